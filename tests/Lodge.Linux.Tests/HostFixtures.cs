using Lodge.Testing;

namespace Lodge.Linux.Tests;

/// <summary>Finds the captured host archives (<c>&lt;id&gt;.tar.gz</c>) and unpacks one per test.</summary>
/// <remarks>
/// Looked up, in order: <c>$LODGE_HOST_FIXTURES</c>, the repository's <c>tests/data/hosts</c>, and the shared
/// fixture directory of the development machines. A missing archive fails the test with the places it looked.
/// </remarks>
internal static class HostFixtures
{
    private const string SharedDir = "/work/shared/fixtures/hosts";

    public static HostTreeBuilder Unpack(string id) => HostTreeBuilder.FromArchive(ArchivePath(id));

    private static string ArchivePath(string id)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("LODGE_HOST_FIXTURES") is { Length: > 0 } env)
        {
            candidates.Add(Path.Combine(env, id + ".tar.gz"));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lodge.slnx")))
            {
                candidates.Add(Path.Combine(dir.FullName, "tests", "data", "hosts", id + ".tar.gz"));
                break;
            }
        }

        candidates.Add(Path.Combine(SharedDir, id + ".tar.gz"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"Host fixture '{id}' was not found; looked in: {string.Join(", ", candidates)}.");
    }
}
