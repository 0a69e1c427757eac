using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Processes;

public class QemuFactsCacheSpecs
{
    [Fact]
    public void I_get_the_version_from_the_cache_on_the_second_ask_and_ask_again_once_the_binary_changes()
    {
        // Arrange: a "QEMU" that counts how often it is run.
        using var tree = new HostTreeBuilder();
        var counter = tree.RealPath("/runs");
        var script = Script(tree, "/qemu", $"echo run >> '{counter}'\necho 'QEMU emulator version 7.2.19'");
        var cacheFile = QemuFactsCache.For(script).FilePath;
        try
        {
            var probe = new ProcessToolVersionProbe(new ProcessRunner(), cacheAnswers: true);

            // Act
            var first = probe.Probe(script);
            var second = new ProcessToolVersionProbe(new ProcessRunner(), cacheAnswers: true).Probe(script);

            // Assert
            Assert.Equal("QEMU emulator version 7.2.19", first);
            Assert.Equal(first, second);
            Assert.Single(File.ReadAllLines(counter));

            // Act: an upgrade (another size) is a new binary.
            var upgraded = Script(tree, "/qemu", $"echo run >> '{counter}'\necho 'QEMU emulator version 9.2.0 (upgraded)'");
            var third = probe.Probe(upgraded);

            // Assert
            Assert.Equal("QEMU emulator version 9.2.0 (upgraded)", third);
            Assert.Equal(2, File.ReadAllLines(counter).Length);
            if (QemuFactsCache.For(upgraded).FilePath is { } upgradedFile)
            {
                File.Delete(upgradedFile);
            }
        }
        finally
        {
            if (cacheFile is not null)
            {
                File.Delete(cacheFile);
            }
        }
    }

    [Fact]
    public void I_get_no_cached_version_from_a_probe_that_does_not_cache()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var counter = tree.RealPath("/runs");
        var script = Script(tree, "/qemu", $"echo run >> '{counter}'\necho 'QEMU emulator version 7.2.19'");

        // Act
        _ = new ProcessToolVersionProbe().Probe(script);
        _ = new ProcessToolVersionProbe().Probe(script);

        // Assert
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    private static string Script(HostTreeBuilder tree, string hostPath, string body)
    {
        tree.File(hostPath, "#!/bin/sh\n" + body + "\n");
        var real = tree.RealPath(hostPath);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return real;
    }
}
