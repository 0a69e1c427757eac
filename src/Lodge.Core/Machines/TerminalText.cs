using System.Globalization;
using System.Text;

namespace Lodge.Core.Machines;

/// <summary>Makes user text safe to print back to a terminal: control characters and bidirectional controls are shown escaped.</summary>
/// <remarks>
/// An escape sequence inside a note could move the cursor, retitle the window or hide what follows, and a
/// right-to-left override (U+202E) makes text read differently from what it is (CVE-2021-42574, "Trojan Source").
/// So every C0 and C1 control, DEL, and every Unicode bidirectional control (Unicode TR9, table 1) becomes
/// <c>\xNN</c> or <c>\uNNNN</c>; the backslash itself stays as it is.
/// </remarks>
public static class TerminalText
{
    /// <summary>The text with every control and bidi character escaped; unchanged when it holds none.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
        {
            return text ?? string.Empty;
        }

        var b = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c))
            {
                b.Append(c);
            }
            else if (c <= '\u00ff')
            {
                b.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return b.ToString();
    }

    /// <summary>JSON made safe for a terminal without changing its meaning: DEL, C1 and bidi controls (which JSON writers
    /// may leave raw) become <c>\uNNNN</c> escapes. C0 controls inside strings are already escaped by every JSON writer,
    /// and the ones outside strings are the layout's own newlines, so they stay.</summary>
    public static string EscapeJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!json.Any(c => c >= '\u007f' && NeedsEscape(c)))
        {
            return json;
        }

        var b = new StringBuilder(json.Length + 16);
        foreach (var c in json)
        {
            if (c >= '\u007f' && NeedsEscape(c))
            {
                b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }

    /// <summary>True for C0/C1 controls, DEL and the bidirectional controls.</summary>
    public static bool NeedsEscape(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || IsBidiControl(c);

    private static bool IsBidiControl(char c) =>
        c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
