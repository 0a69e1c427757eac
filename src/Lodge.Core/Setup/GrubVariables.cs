using System.Text.RegularExpressions;

namespace Lodge.Core.Setup;

/// <summary>Reads and rewrites one variable of <c>/etc/default/grub</c>, a shell fragment that grub-mkconfig sources.</summary>
/// <remarks>
/// Only a plain one-line assignment is understood; anything else (a variable reference, a line continuation, an
/// unclosed quote) is refused rather than guessed at.
/// <code>
/// GRUB_DEFAULT=0
/// GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"
/// </code>
/// </remarks>
internal static partial class GrubVariables
{
    /// <summary>The value of <paramref name="key"/> (the last assignment wins, as in sh); "" when unset; null when it cannot be parsed.</summary>
    public static string? Read(string text, string key, out int line)
    {
        var lines = text.Split('\n');
        line = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith(key + "=", StringComparison.Ordinal));
        if (line < 0)
        {
            return "";
        }

        var m = Assignment().Match(lines[line]);
        if (!m.Success || m.Groups["key"].Value != key)
        {
            return null;
        }

        var value = m.Groups["dq"].Success ? m.Groups["dq"].Value : m.Groups["sq"].Success ? m.Groups["sq"].Value : m.Groups["bare"].Value;
        return value.Contains('$', StringComparison.Ordinal) || value.Contains('`', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal) ? null : value;
    }

    /// <summary><paramref name="text"/> with <paramref name="key"/> set to <paramref name="value"/>, in place or appended at the end.</summary>
    public static string Write(string text, string key, string value, bool quote)
    {
        var assignment = quote ? $"{key}=\"{value}\"" : $"{key}={value}";
        var lines = text.Split('\n').ToList();
        var at = lines.FindLastIndex(l => l.TrimStart().StartsWith(key + "=", StringComparison.Ordinal));
        if (at >= 0)
        {
            lines[at] = assignment;
            return string.Join('\n', lines);
        }

        return (text.Length == 0 || text.EndsWith('\n') ? text : text + "\n") + assignment + "\n";
    }

    [GeneratedRegex(@"^\s*(export\s+)?(?<key>[A-Z_]+)=(""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'#;]*))\s*(#.*)?$")]
    private static partial Regex Assignment();
}
