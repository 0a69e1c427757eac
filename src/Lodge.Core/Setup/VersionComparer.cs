namespace Lodge.Core.Setup;

/// <summary>Orders version strings as systemd's strverscmp_improved and rpm's rpmvercmp do, closely enough for kernel
/// versions and entry names: digit runs compare as numbers and beat letters, '~' sorts before everything (even the end).</summary>
internal sealed class VersionComparer : IComparer<string?>
{
    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return (x is not null).CompareTo(y is not null);
        }

        int i = 0, j = 0;
        while (true)
        {
            // Separators (anything but letters, digits and '~') only split segments.
            while (i < x.Length && !char.IsAsciiLetterOrDigit(x[i]) && x[i] != '~')
            {
                i++;
            }

            while (j < y.Length && !char.IsAsciiLetterOrDigit(y[j]) && y[j] != '~')
            {
                j++;
            }

            var tx = i < x.Length && x[i] == '~';
            var ty = j < y.Length && y[j] == '~';
            if (tx || ty)
            {
                if (tx && ty)
                {
                    i++;
                    j++;
                    continue;
                }

                return tx ? -1 : 1;
            }

            if (i >= x.Length || j >= y.Length)
            {
                return (i < x.Length).CompareTo(j < y.Length);
            }

            var dx = char.IsAsciiDigit(x[i]);
            var dy = char.IsAsciiDigit(y[j]);
            if (dx != dy)
            {
                return dx ? 1 : -1;
            }

            var si = i;
            var sj = j;
            while (i < x.Length && (dx ? char.IsAsciiDigit(x[i]) : char.IsAsciiLetter(x[i])))
            {
                i++;
            }

            while (j < y.Length && (dy ? char.IsAsciiDigit(y[j]) : char.IsAsciiLetter(y[j])))
            {
                j++;
            }

            var a = x[si..i];
            var b = y[sj..j];
            int r;
            if (dx)
            {
                a = a.TrimStart('0');
                b = b.TrimStart('0');
                r = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
            }
            else
            {
                r = string.CompareOrdinal(a, b);
            }

            if (r != 0)
            {
                return Math.Sign(r);
            }
        }
    }
}
