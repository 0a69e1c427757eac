using System.Text;

namespace Lodge.Linux.Runtime;

/// <summary>Formats an argv in the pasteable golden format: one option (with its value) per line, lines joined with <c> \</c>, shell-quoted where needed.</summary>
public static class ArgsFile
{
    /// <summary>The text of a <c>.args</c> file for <paramref name="argv"/>, ending with a newline.</summary>
    public static string Format(IReadOnlyList<string> argv)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < argv.Count; i++)
        {
            if (i > 0 && argv[i].StartsWith('-'))
            {
                lines.Add(current.ToString());
                current.Clear();
            }

            if (current.Length > 0)
            {
                current.Append(' ');
            }

            current.Append(Quote(argv[i]));
        }

        lines.Add(current.ToString());
        return string.Join(" \\\n", lines) + "\n";
    }

    /// <summary>Quotes <paramref name="value"/> for a POSIX shell when it holds anything but safe characters.</summary>
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
