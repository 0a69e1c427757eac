namespace Lodge.Testing;

/// <summary>Golden-file assertions: the file holds the expected output; <c>LODGE_REGENERATE_GOLDEN=1</c> rewrites it.</summary>
/// <remarks>Regenerated goldens are reviewed line by line in the diff before they are committed (libvirt VIR_TEST_REGENERATE_OUTPUT).</remarks>
public static class Golden
{
    /// <summary>True when goldens are being regenerated.</summary>
    public static bool Regenerating => Environment.GetEnvironmentVariable("LODGE_REGENERATE_GOLDEN") == "1";

    /// <summary>Compares <paramref name="actual"/> with the golden file, or rewrites it when regenerating.</summary>
    public static void Match(string goldenPath, string actual)
    {
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Regenerating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(goldenPath)!);
            File.WriteAllText(goldenPath, actual);
            return;
        }

        if (!File.Exists(goldenPath))
        {
            throw new GoldenMismatchException($"The golden file '{goldenPath}' does not exist; run the tests with LODGE_REGENERATE_GOLDEN=1 and review it.");
        }

        var expected = File.ReadAllText(goldenPath);
        if (expected == actual)
        {
            return;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        var want = line < e.Length ? e[line] : "<end of file>";
        var got = line < a.Length ? a[line] : "<end of file>";
        throw new GoldenMismatchException($"'{goldenPath}' differs at line {line + 1}:\n  expected: {want}\n  actual:   {got}\nRun with LODGE_REGENERATE_GOLDEN=1 and review the diff if the change is intended.");
    }
}
