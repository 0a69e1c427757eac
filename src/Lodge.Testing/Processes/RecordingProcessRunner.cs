using Lodge.Linux.Processes;

namespace Lodge.Testing.Processes;

/// <summary>A process runner that runs nothing: it records each command line and answers exit 0 (or a scripted failure).</summary>
public sealed class RecordingProcessRunner : IProcessRunner
{
    private readonly List<IReadOnlyList<string>> _commands = [];

    /// <summary>Commands (the program name, also behind <c>chroot DIR</c>) that answer with exit code 1 instead of 0.</summary>
    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>Every command run so far, program first.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Commands => _commands;

    /// <summary>The commands one per line, arguments separated by spaces, for golden files.</summary>
    public string Transcript => string.Concat(_commands.Select(c => Line(c) + "\n"));

    /// <summary>One command as a line; an empty argument shows as <c>''</c>.</summary>
    public static string Line(IReadOnlyList<string> command) => string.Join(' ', command.Select(a => a.Length == 0 ? "''" : a));

    /// <inheritdoc/>
    public ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        _commands.Add([file, .. arguments]);
        var program = file == "chroot" && arguments.Count > 1 ? arguments[1] : file;
        return Failing.Contains(program) ? new ProcessResult(1, "", $"{file}: failed on purpose\n") : new ProcessResult(0, "", "");
    }

    /// <inheritdoc/>
    public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.FromResult(Run(file, arguments, timeout));
}
