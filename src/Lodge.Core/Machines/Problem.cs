using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>One thing wrong with a machine definition: where, one sentence saying what, and the fix.</summary>
/// <param name="Code">A stable identifier such as <c>unknown-key</c> or <c>gpu-shared</c>.</param>
/// <param name="Message">One full sentence.</param>
/// <param name="Fix">What to change, as one sentence.</param>
public sealed record Problem(Severity Severity, string Code, string Message, string Fix, SourceLocation Location)
{
    /// <summary>The two lines <c>lodge check</c> prints: <c>file:line:col: error: message</c> and <c>  fix: ...</c>.</summary>
    public string Format() =>
        $"{Location}: {Severity.ToString().ToLowerInvariant()}: {Message}\n  fix: {Fix}";
}
