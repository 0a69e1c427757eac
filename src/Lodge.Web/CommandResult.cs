namespace Lodge.Web;

/// <summary>What one lodge command printed and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Lodge's one-sentence error (the line after <c>Error: </c>), when the command failed with one.</summary>
    public string? Error => Lines(StandardError).FirstOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal))?["Error: ".Length..];

    /// <summary>The fix lodge printed under its error (the first unindented line after it), when there is one.</summary>
    public string? Hint => Lines(StandardError).SkipWhile(l => !l.StartsWith("Error: ", StringComparison.Ordinal)).Skip(1)
        .FirstOrDefault(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && !l.StartsWith("Error: ", StringComparison.Ordinal));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries);
}
