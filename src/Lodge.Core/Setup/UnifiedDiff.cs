using System.Text;

namespace Lodge.Core.Setup;

/// <summary>Writes the unified diff (<c>diff -u</c>, three lines of context) between two texts. Pure.</summary>
/// <remarks>
/// Lines are compared whole, by a longest-common-subsequence table; host configuration files are small, so the
/// quadratic table costs nothing. A missing file is <c>/dev/null</c>; a last line without a newline gets
/// <c>\ No newline at end of file</c>, as GNU diff prints it, so the output applies with <c>patch -p1</c>.
/// <code>
/// --- a/etc/default/grub
/// +++ b/etc/default/grub
/// @@ -6,1 +6,1 @@
/// -GRUB_CMDLINE_LINUX_DEFAULT="quiet"
/// +GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"
/// </code>
/// </remarks>
public static class UnifiedDiff
{
    private const int Context = 3;
    private const string NoNewline = "\\ No newline at end of file";

    /// <summary>The diff of <paramref name="path"/> from <paramref name="before"/> to <paramref name="after"/> (null: no file); empty when equal.</summary>
    public static string Create(string path, string? before, string? after)
    {
        if (before == after)
        {
            return "";
        }

        var a = SplitLines(before);
        var b = SplitLines(after);
        var ops = Compare(a, b);
        var sb = new StringBuilder();
        var name = path.TrimStart('/');
        sb.Append("--- ").Append(before is null ? "/dev/null" : "a/" + name).Append('\n');
        sb.Append("+++ ").Append(after is null ? "/dev/null" : "b/" + name).Append('\n');
        foreach (var (start, end) in Hunks(ops))
        {
            WriteHunk(sb, ops, start, end, a, b);
        }

        return sb.ToString();
    }

    private readonly record struct Op(char Kind, int A, int B);

    private static List<(string Text, bool Newline)> SplitLines(string? text)
    {
        var lines = new List<(string, bool)>();
        if (string.IsNullOrEmpty(text))
        {
            return lines;
        }

        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            if (nl < 0)
            {
                lines.Add((text[start..], false));
                break;
            }

            lines.Add((text[start..nl], true));
            start = nl + 1;
        }

        return lines;
    }

    private static List<Op> Compare(List<(string Text, bool Newline)> a, List<(string Text, bool Newline)> b)
    {
        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<Op>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y])
            {
                ops.Add(new Op(' ', x++, y++));
            }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] > lcs[x + 1, y]))
            {
                ops.Add(new Op('+', x, y++));
            }
            else
            {
                ops.Add(new Op('-', x++, y));
            }
        }

        return ops;
    }

    // Groups changed ops with up to three lines of context on each side; changes closer than twice the context share a hunk.
    private static IEnumerable<(int Start, int End)> Hunks(List<Op> ops)
    {
        var i = 0;
        while (i < ops.Count)
        {
            while (i < ops.Count && ops[i].Kind == ' ')
            {
                i++;
            }

            if (i == ops.Count)
            {
                yield break;
            }

            var start = Math.Max(0, i - Context);
            var end = i;
            while (true)
            {
                while (end < ops.Count && ops[end].Kind != ' ')
                {
                    end++;
                }

                var next = end;
                while (next < ops.Count && ops[next].Kind == ' ')
                {
                    next++;
                }

                if (next < ops.Count && next - end <= 2 * Context)
                {
                    end = next;
                    continue;
                }

                end = Math.Min(ops.Count, end + Context);
                break;
            }

            yield return (start, end);
            i = end;
        }
    }

    private static void WriteHunk(StringBuilder sb, List<Op> ops, int start, int end, List<(string Text, bool Newline)> a, List<(string Text, bool Newline)> b)
    {
        int aCount = 0, bCount = 0;
        for (var k = start; k < end; k++)
        {
            aCount += ops[k].Kind != '+' ? 1 : 0;
            bCount += ops[k].Kind != '-' ? 1 : 0;
        }

        // diff -u numbers an empty range by the line before it (0 at the top of the file).
        var aStart = aCount == 0 ? ops[start].A : ops[start].A + 1;
        var bStart = bCount == 0 ? ops[start].B : ops[start].B + 1;
        sb.Append($"@@ -{aStart},{aCount} +{bStart},{bCount} @@\n");
        for (var k = start; k < end; k++)
        {
            var op = ops[k];
            var (text, newline) = op.Kind == '+' ? b[op.B] : a[op.A];
            sb.Append(op.Kind).Append(text).Append('\n');
            if (!newline)
            {
                sb.Append(NoNewline).Append('\n');
            }
        }
    }
}
