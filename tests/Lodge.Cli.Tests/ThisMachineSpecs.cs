using System.Diagnostics;
using System.Text.Json;

namespace Lodge.Cli.Tests;

/// <summary>`lodge doctor` on the machine running the tests tells the truth about KVM and the IOMMU, checked against QEMU and the kernel.</summary>
public sealed class ThisMachineSpecs
{
    [Fact(Timeout = Lodge.Testing.Patience.TestMilliseconds)]
    public async Task The_doctor_on_this_machine_agrees_with_qemu_about_kvm_and_with_the_kernel_about_the_iommu()
    {
        // Arrange: QEMU's own answer is the ground truth: can it run a KVM guest with the host CPU, as Lodge's guests run?
        var kvmWorks = await QemuSaysKvmWorksAsync();
        var groups = Directory.Exists("/sys/kernel/iommu_groups") && Directory.EnumerateFileSystemEntries("/sys/kernel/iommu_groups").Any();

        // Act
        var result = CliRun.Run("doctor", "--json");
        using var doc = JsonDocument.Parse(result.Out);
        var sections = doc.RootElement.GetProperty("sections").EnumerateArray().ToDictionary(s => s.GetProperty("title").GetString()!);
        var kvm = sections["Virtualization"].GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("title").GetString() == "KVM");
        var iommu = sections["IOMMU"].GetProperty("checks").EnumerateArray().First();

        // Assert
        Assert.Equal(kvmWorks ? "ok" : "fail", kvm.GetProperty("status").GetString());
        Assert.Equal(!kvmWorks, result.ExitCode == 2);
        Assert.Equal(groups ? "ok" : "fail", iommu.GetProperty("status").GetString());
        if (!groups)
        {
            Assert.Contains("no IOMMU groups", iommu.GetProperty("detail").GetString());
            Assert.False(string.IsNullOrEmpty(iommu.GetProperty("fix").GetString()));
        }
    }

    private static async Task<bool> QemuSaysKvmWorksAsync()
    {
        var psi = new ProcessStartInfo("qemu-system-x86_64") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-machine", "q35,accel=kvm", "-cpu", "host", "-nodefaults", "-display", "none", "-S", "-qmp", "stdio" })
        {
            psi.ArgumentList.Add(a);
        }

        using var qemu = Process.Start(psi) ?? throw new InvalidOperationException("qemu-system-x86_64 did not start; the test command installs qemu-system-x86.");
        await qemu.StandardInput.WriteLineAsync("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-kvm\"}\n{\"execute\":\"quit\"}");
        await qemu.StandardInput.FlushAsync();
        string? line;
        var enabled = false;
        while ((line = await qemu.StandardOutput.ReadLineAsync()) is not null)
        {
            using var msg = JsonDocument.Parse(line);
            if (msg.RootElement.TryGetProperty("return", out var ret) && ret.ValueKind == JsonValueKind.Object && ret.TryGetProperty("enabled", out var e))
            {
                enabled = e.GetBoolean();
            }
        }

        await qemu.WaitForExitAsync();
        return enabled && qemu.ExitCode == 0; // an abort after answering (a vCPU it cannot set up) is a no
    }
}
