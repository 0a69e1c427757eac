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

    [Fact]
    public void A_failing_kvm_probe_is_not_run_again_in_the_same_boot_until_the_kvm_environment_changes()
    {
        // Arrange: a "QEMU" that counts its runs and cannot start a KVM guest, and a stand-in KVM device (ProbeKvm asks
        // only where the device exists; the machine running the spec may have no /dev/kvm)
        using var tree = new HostTreeBuilder();
        tree.File("/dev/kvm", "");
        var device = tree.RealPath("/dev/kvm");
        var counter = tree.RealPath("/runs");
        var script = Script(tree, "/qemu-broken", $"echo run >> '{counter}'\necho 'qemu-system-x86_64: failed to initialize kvm: Operation not permitted' >&2\nexit 1");
        var cacheFile = QemuFactsCache.For(script).FilePath;
        try
        {
            // Act
            var first = new ProcessToolVersionProbe(new ProcessRunner(), cacheAnswers: true) { KvmDevice = device };
            var firstAnswer = first.ProbeKvm(script);
            var second = new ProcessToolVersionProbe(new ProcessRunner(), cacheAnswers: true) { KvmDevice = device };
            var secondAnswer = second.ProbeKvm(script);
            var environment = ProcessToolVersionProbe.KvmEnvironment(device);

            // Assert: one QEMU run; the second answer is the first, marked as cached
            Assert.NotNull(firstAnswer);
            Assert.NotEqual("ok", firstAnswer);
            Assert.False(first.LastKvmProbeCached);
            Assert.Equal(firstAnswer, secondAnswer);
            Assert.True(second.LastKvmProbeCached);
            Assert.Single(File.ReadAllLines(counter));
            Assert.NotNull(environment);
            Assert.Equal(environment, ProcessToolVersionProbe.KvmEnvironment(device));

            // A changed KVM environment (another key) is not answered from the cache
            var cache = QemuFactsCache.For(script);
            Assert.Equal(firstAnswer, cache.KvmFailureThisBoot(environment!));
            Assert.Null(cache.KvmFailureThisBoot("0000000000000000"));

            // A device whose permissions changed (a fix: chmod or a udev rule on /dev/kvm) is a new environment: QEMU runs again
            File.SetUnixFileMode(device, File.GetUnixFileMode(device) ^ UnixFileMode.OtherRead);
            var third = new ProcessToolVersionProbe(new ProcessRunner(), cacheAnswers: true) { KvmDevice = device };
            _ = third.ProbeKvm(script);
            Assert.False(third.LastKvmProbeCached);
            Assert.Equal(2, File.ReadAllLines(counter).Length);
        }
        finally
        {
            if (cacheFile is not null)
            {
                File.Delete(cacheFile);
            }
        }
    }

    private static string Script(HostTreeBuilder tree, string hostPath, string body)
    {
        tree.File(hostPath, "#!/bin/sh\n" + body + "\n");
        var real = tree.RealPath(hostPath);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return real;
    }
}
