using System.Text;

namespace Lodge.Core.Qemu;

/// <summary>An argv as text a shell accepts: one option with its value per line, lines joined with <c> \</c>.</summary>
/// <remarks>Used by <c>lodge args</c> and for the golden <c>.args</c> files (libvirt's <c>.args</c> layout).</remarks>
public static class QemuCommandLine
{
    /// <summary>Formats <paramref name="argv"/>; each argument is single-quoted when the shell would change it.</summary>
    public static string Format(IReadOnlyList<string> argv)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var arg in argv)
        {
            if (line.Length > 0 && arg.StartsWith('-'))
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(Quote(arg));
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return string.Join(" \\\n", lines) + "\n";
    }

    /// <summary>The argument itself when it is safe in a POSIX shell, else single-quoted.</summary>
    public static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "_-+=:,./@%".Contains(c, StringComparison.Ordinal)))
        {
            return arg;
        }

        return "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
