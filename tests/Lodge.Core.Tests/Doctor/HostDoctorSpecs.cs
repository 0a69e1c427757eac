using Lodge.Core.Doctor;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Tests.Doctor;

public sealed class HostDoctorSpecs
{
    private static readonly PciDevice Gpu = new() { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030000), IommuGroup = 1, VendorId = 0x10de, DeviceId = 0x2504 };

    private static readonly HostTools WithQemu = new() { Qemu = new ToolInfo("/usr/bin/qemu-system-x86_64", "7.2.19") };

    private static DoctorReport Examine(HostSnapshot host) => HostDoctor.Examine(host, PassthroughAdvisor.Assess(host));

    [Fact]
    public void A_host_without_kvm_is_a_no_go_with_exit_code_2_and_says_why()
    {
        // Arrange
        var host = new HostSnapshot
        {
            Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = false, HasSvm = false, IsHypervisorGuest = true },
            Kernel = new KernelInfo { KvmDevice = false },
            IommuEnabled = false,
        };

        // Act
        var report = Examine(host);

        // Assert
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("KVM is missing", report.Verdict);
        Assert.Contains("virtual machine", report.Verdict);
        var iommu = report.Sections.Single(s => s.Title == "IOMMU").Checks[0];
        Assert.Equal(CheckStatus.Fail, iommu.Status);
    }

    [Fact]
    public void A_host_with_kvm_and_an_isolated_gpu_is_a_go()
    {
        // Arrange
        var host = new HostSnapshot
        {
            PciDevices = [Gpu],
            IommuGroups = [new IommuGroup(1, [Gpu.Address], null)],
            IommuEnabled = true,
            Kernel = new KernelInfo { KvmDevice = true },
            Tools = WithQemu,
        };

        // Act
        var report = Examine(host);

        // Assert
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("'0000:01:00.0'", report.Verdict);
    }

    [Fact]
    public void A_host_with_kvm_but_no_iommu_can_run_guests_without_passthrough()
    {
        // Arrange
        var host = new HostSnapshot { PciDevices = [Gpu], IommuEnabled = false, Kernel = new KernelInfo { KvmDevice = true }, Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = true }, Tools = WithQemu };

        // Act
        var report = Examine(host);

        // Assert
        Assert.Equal(1, report.ExitCode);
        Assert.Contains("the IOMMU is off", report.Verdict);
        var fix = report.Sections.Single(s => s.Title == "IOMMU").Checks[0].Fix;
        Assert.Contains("intel_iommu=on iommu=pt", fix);
    }

    [Theory]
    [InlineData(true, "earlier in this boot")]
    [InlineData(false, "ran Lodge's test code.")]
    public void The_kvm_check_says_when_qemus_answer_came_from_the_per_boot_cache(bool cached, string expected)
    {
        // Arrange
        var host = new HostSnapshot
        {
            Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = true },
            Kernel = new KernelInfo { KvmDevice = true, KvmProbe = "ok", KvmProbeCached = cached },
        };

        // Act
        var kvm = Examine(host).Sections.SelectMany(s => s.Checks).Single(c => c.Title == "KVM");

        // Assert
        Assert.Equal(CheckStatus.Ok, kvm.Status);
        Assert.Contains(expected, kvm.Detail);
    }

    [Theory]
    [InlineData(Bootloader.Grub, "debian", "update-grub")]
    [InlineData(Bootloader.Grub, "fedora", "grubby --update-kernel=ALL")]
    [InlineData(Bootloader.SystemdBoot, "arch", "/etc/kernel/cmdline")]
    [InlineData(Bootloader.Kernelstub, "pop", "kernelstub -a")]
    public void The_iommu_fix_names_the_boot_loader_found(Bootloader bootloader, string os, string expected)
    {
        // Arrange
        var boot = new BootInfo { Bootloader = bootloader, OsId = os, CommandLineFile = bootloader == Bootloader.SystemdBoot ? "/etc/kernel/cmdline" : null };

        // Act
        var how = KernelParameterAdvice.HowToAdd(boot, "intel_iommu=on iommu=pt");

        // Assert
        Assert.Contains(expected, how);
        Assert.Contains("intel_iommu=on iommu=pt", how);
    }

    [Fact]
    public void An_amd_host_is_told_only_iommu_pt_because_its_iommu_is_on_by_default()
    {
        Assert.Equal("iommu=pt", KernelParameterAdvice.ParametersFor(new HostSnapshot { Cpu = new CpuInfo { VendorId = "AuthenticAMD" }, Kernel = new KernelInfo { CommandLine = "quiet" } }));
        Assert.Equal("intel_iommu=on iommu=pt", KernelParameterAdvice.ParametersFor(new HostSnapshot { Cpu = new CpuInfo { VendorId = "GenuineIntel" }, Kernel = new KernelInfo { CommandLine = "quiet" } }));
        Assert.Equal("", KernelParameterAdvice.ParametersFor(new HostSnapshot { Cpu = new CpuInfo { VendorId = "GenuineIntel" }, Kernel = new KernelInfo { CommandLine = "intel_iommu=on iommu=pt" } }));
    }
}
