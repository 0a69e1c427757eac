namespace Lodge.Testing;

/// <summary>Finds the repository's folders from a test's working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder that holds Lodge.slnx.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>tests/data/hosts: the captured host trees.</summary>
    public static string Hosts => Path.Combine(Root, "tests", "data", "hosts");

    /// <summary>The names of every host fixture (a folder with FIXTURE.json).</summary>
    public static IReadOnlyList<string> HostFixtures =>
        Directory.GetDirectories(Hosts)
            .Where(d => File.Exists(Path.Combine(d, "FIXTURE.json")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The root of one host fixture.</summary>
    public static string Host(string name) => Path.Combine(Hosts, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lodge.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Lodge.slnx above the test's base directory.");
    }
}
