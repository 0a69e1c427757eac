namespace Lodge.Qmp.Tests.Support;

/// <summary>Paths of test data, both in the build output and in the source tree (for the recorder).</summary>
internal static class RepositoryPaths
{
    /// <summary>The transcripts copied next to the test assembly.</summary>
    public static string TranscriptOutputDirectory => Path.Combine(AppContext.BaseDirectory, "data", "qmp");

    /// <summary>tests/data/qmp in the source tree, found by walking up to Lodge.slnx.</summary>
    public static string TranscriptSourceDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lodge.slnx")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? throw new InvalidOperationException($"Cannot find Lodge.slnx above '{AppContext.BaseDirectory}'.")
                : Path.Combine(directory.FullName, "tests", "data", "qmp");
        }
    }
}
