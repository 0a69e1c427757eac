namespace Lodge.Linux.Reports;

/// <summary>Stores a feature map in one column as sorted <c>key=value</c> lines (keys and values never hold newlines).</summary>
internal static class FeatureText
{
    public static string Write(IReadOnlyDictionary<string, string> features) =>
        string.Join('\n', features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value.Replace('\n', ' ')}"));

    public static IReadOnlyDictionary<string, string> Read(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                result[line[..eq]] = line[(eq + 1)..];
            }
        }

        return result;
    }
}
