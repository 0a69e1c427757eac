namespace Lodge.Web;

/// <summary>Where an action's lines go as they come: the service's progress events and the CLI's rendering of the result,
/// on the two streams the CLI prints them to.</summary>
public sealed class ActionOutput
{
    private readonly DashboardAction _action;
    private bool _hintNext;

    internal ActionOutput(DashboardAction action)
    {
        _action = action;
    }

    /// <summary>Lodge's one-sentence error among the error lines (the CLI's <c>Error: </c> line), when one was printed.</summary>
    public string? Error { get; private set; }

    /// <summary>The fix printed on the line after <see cref="Error"/>, when there is one.</summary>
    public string? Hint { get; private set; }

    /// <summary>A line of standard output (or a progress event).</summary>
    public void Line(string line) => _action.Append(line);

    /// <summary>A line of standard error: progress, a warning, or an error followed by its fix.</summary>
    public void ErrorLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _action.Append(line);
        if (Error is null && line.StartsWith("Error: ", StringComparison.Ordinal))
        {
            Error = line["Error: ".Length..];
            _hintNext = true;
        }
        else if (_hintNext)
        {
            Hint = line.Length > 0 && !char.IsWhiteSpace(line[0]) ? line : null;
            _hintNext = false;
        }
    }
}
