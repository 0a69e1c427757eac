namespace Lodge.Core.Setup;

/// <summary>Adds parameters to a kernel command line without disturbing the rest: a present key with another value is replaced in place.</summary>
internal static class KernelCommandLine
{
    /// <summary>The keys of <paramref name="wanted"/> that <paramref name="line"/> lacks or holds with another value.</summary>
    public static IReadOnlyList<string> Missing(string line, IReadOnlyList<string> wanted)
    {
        var tokens = Tokens(line);
        return [.. wanted.Where(w => !tokens.Contains(w, StringComparer.Ordinal))];
    }

    /// <summary><paramref name="line"/> with every parameter of <paramref name="wanted"/> present exactly once; order of the rest kept.</summary>
    public static string With(string line, IReadOnlyList<string> wanted)
    {
        var tokens = Tokens(line);
        foreach (var w in wanted)
        {
            var key = KeyOf(w);
            var at = tokens.FindIndex(t => KeyOf(t) == key);
            if (at < 0)
            {
                tokens.Add(w);
            }
            else
            {
                tokens[at] = w;
                for (var i = tokens.Count - 1; i > at; i--)
                {
                    if (KeyOf(tokens[i]) == key)
                    {
                        tokens.RemoveAt(i);
                    }
                }
            }
        }

        return string.Join(' ', tokens);
    }

    private static List<string> Tokens(string line) => [.. line.Split(' ', '\t').Where(t => t.Length > 0)];

    // hugepagesz may legitimately repeat (one per size), but Lodge only ever writes one, so the key is the whole name.
    private static string KeyOf(string token)
    {
        var eq = token.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? token : token[..eq];
    }
}
