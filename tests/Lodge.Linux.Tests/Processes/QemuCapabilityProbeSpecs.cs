using Lodge.Linux.Processes;

namespace Lodge.Linux.Tests.Processes;

/// <summary>The installed QEMU (Debian 12's 7.2 here) tells its machine types and CPU properties, and the answer is cached.</summary>
public sealed class QemuCapabilityProbeSpecs
{
    [Fact(Timeout = 60000)]
    public async Task I_can_ask_the_installed_QEMU_for_its_versioned_q35_and_its_Hyper_V_properties()
    {
        // Arrange
        const string Qemu = "/usr/bin/qemu-system-x86_64";
        Assert.True(File.Exists(Qemu), "QEMU is not installed.\nInstall it with 'apt-get install qemu-system-x86'; ./run-tests does as root.");
        var probe = new QemuCapabilityProbe(HostProcesses.Runner);

        // Act
        var caps = await Task.Run(() => probe.Probe(Qemu));
        var cached = await Task.Run(() => probe.Probe(Qemu));

        // Assert
        Assert.NotNull(caps);
        Assert.Matches(@"^pc-q35-\d+\.\d+$", caps.NewestQ35);
        Assert.True(caps.HasMachineType("q35"));
        Assert.True(caps.HasCpuProperty("hv-tlbflush"));
        Assert.True(caps.HasCpuProperty("hv-ipi"));
        Assert.True(caps.HasCpuProperty("hv-stimer-direct"));
        Assert.False(caps.HasCpuProperty("hv-no-such-thing"));
        Assert.Equal(caps.MachineTypes, cached!.MachineTypes);
        Assert.Equal(caps.CpuProperties, cached.CpuProperties);
    }
}
