using Lodge.Core.Doctor;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Tests.Doctor;

/// <summary>Advice that fits the machine: host-critical functions, real reasons, fixes a person can do, the platform's own parameters.</summary>
public sealed class AdviceSpecs
{
    private static readonly HostTools WithQemu = new() { Qemu = new ToolInfo("/usr/bin/qemu-system-x86_64", "7.2.19") };

    private static PciDevice Dev(string address, int cls, ushort vendor, ushort device, int? group, bool? bootVga = null) =>
        new() { Address = PciAddress.Parse(address), Class = new PciClass(cls), VendorId = vendor, DeviceId = device, IommuGroup = group, BootVga = bootVga };

    private static HostSnapshot Host(IReadOnlyList<PciDevice> devices, string? cmdline = null, CpuInfo? cpu = null, PlatformFacts? platform = null, BootInfo? boot = null) => new()
    {
        PciDevices = devices,
        IommuGroups = [.. devices.Where(d => d.IommuGroup is not null).GroupBy(d => d.IommuGroup!.Value).Select(g => new IommuGroup(g.Key, [.. g.Select(d => d.Address)], null))],
        IommuEnabled = true,
        Kernel = new KernelInfo { CommandLine = cmdline, KvmDevice = true },
        Cpu = cpu ?? new CpuInfo(),
        Platform = platform ?? new PlatformFacts(),
        Boot = boot ?? new BootInfo { Bootloader = Bootloader.Grub, OsId = "debian" },
        Tools = WithQemu,
    };

    private static IEnumerable<string> AllAdvice(HostSnapshot host)
    {
        var assessments = PassthroughAdvisor.Assess(host);
        var report = HostDoctor.Examine(host, assessments);
        foreach (var check in report.Sections.SelectMany(s => s.Checks).SelectMany(c => c.Details.Prepend(c)))
        {
            yield return $"{check.Detail} {check.Fix}";
        }

        yield return report.Verdict;
    }

    [Fact]
    public void Onboard_audio_that_shares_its_slot_with_the_lpc_bridge_and_smbus_is_shared_and_names_them()
    {
        // Arrange: an Intel chipset's 00:1f slot
        var lpc = Dev("0000:00:1f.0", 0x060100, 0x8086, 0xa305, 12);
        var audio = Dev("0000:00:1f.3", 0x040300, 0x8086, 0xa348, 12);
        var smbus = Dev("0000:00:1f.4", 0x0c0500, 0x8086, 0xa323, 12);
        var host = Host([lpc, audio, smbus]);

        // Act
        var a = PassthroughAdvisor.Assess(host, audio);

        // Assert
        Assert.Equal(Verdict.Shared, a.Verdict);
        Assert.Equal([lpc.Address, smbus.Address], a.Blockers);
        Assert.Empty(a.Companions);
        var critical = a.Findings.Where(f => f.Code == "host-critical").ToList();
        Assert.Equal(2, critical.Count);
        Assert.Contains("ISA/LPC bridge", critical[0].Message);
        Assert.Contains("SMBus", critical[1].Message);
        var shared = a.Findings.Single(f => f.Code == "shared-group");
        Assert.Contains("built into the board", shared.Fix);
        Assert.DoesNotContain("Move the card", shared.Fix);
    }

    [Fact]
    public void An_amd_chipset_usb_controller_beside_its_sata_controller_is_shared_with_honest_alternatives()
    {
        // Arrange: the chipset's USB and SATA functions on one slot behind the chipset's bridge
        var usb = Dev("0000:02:00.0", 0x0c0330, 0x1022, 0x43ee, 14);
        var sata = Dev("0000:02:00.1", 0x010601, 0x1022, 0x43eb, 14);
        var host = Host([usb, sata]);

        // Act
        var a = PassthroughAdvisor.Assess(host, usb);

        // Assert
        Assert.Equal(Verdict.Shared, a.Verdict);
        Assert.Contains(a.Findings, f => f.Code == "host-critical" && f.Message.Contains("storage controller", StringComparison.Ordinal));
        var fix = a.Findings.Single(f => f.Code == "shared-group").Fix!;
        Assert.Contains("USB controller card in a slot wired to the CPU", fix);
        Assert.Contains("pcie_acs_override", fix);
        Assert.DoesNotContain("Move the card", fix);
    }

    [Fact]
    public void A_gpus_own_usb_c_function_stays_a_companion()
    {
        // Arrange
        var gpu = Dev("0000:01:00.0", 0x030000, 0x10de, 0x1e81, 1);
        var usbc = Dev("0000:01:00.2", 0x0c0330, 0x10de, 0x1ad8, 1);
        var ucsi = Dev("0000:01:00.3", 0x0c8000, 0x10de, 0x1ad9, 1);

        // Act
        var a = PassthroughAdvisor.Assess(Host([gpu, usbc, ucsi]), gpu);

        // Assert
        Assert.Equal(Verdict.WithCompanions, a.Verdict);
        Assert.Equal([usbc.Address, ucsi.Address], a.Companions);
    }

    [Fact]
    public void A_card_in_a_chipset_slot_is_told_to_move()
    {
        // Arrange: a discrete GPU sharing a group with a network controller on another bus
        var gpu = Dev("0000:05:00.0", 0x030000, 0x1002, 0x73df, 9);
        var nic = Dev("0000:04:00.0", 0x020000, 0x10ec, 0x8125, 9);

        // Act
        var fix = PassthroughAdvisor.Assess(Host([gpu, nic]), gpu).Findings.Single(f => f.Code == "shared-group").Fix!;

        // Assert
        Assert.StartsWith("Move the card to a slot wired to the CPU", fix);
    }

    [Fact]
    public void An_igpu_left_out_by_igfx_off_is_no_group_with_the_parameter_to_change()
    {
        // Arrange
        var igpu = Dev("0000:00:02.0", 0x030000, 0x8086, 0x3e92, null, bootVga: true);
        var nvidia = Dev("0000:01:00.0", 0x030000, 0x10de, 0x2504, 1);
        var host = Host([igpu, nvidia], cmdline: "quiet intel_iommu=on,igfx_off", cpu: new CpuInfo { VendorId = "GenuineIntel", HasVmx = true });

        // Act
        var finding = PassthroughAdvisor.Assess(host, igpu).Findings.Single(f => f.Code == "no-group");
        var nic = Dev("0000:02:00.0", 0x020000, 0x10ec, 0x8125, 1);
        var sharedHost = Host([igpu, nvidia, nic], cmdline: "quiet intel_iommu=on,igfx_off", cpu: new CpuInfo { VendorId = "GenuineIntel", HasVmx = true });
        var report = HostDoctor.Examine(sharedHost, PassthroughAdvisor.Assess(sharedHost));

        // Assert
        Assert.Contains("intel_iommu=igfx_off", finding.Message);
        Assert.DoesNotContain("shares", finding.Message);
        Assert.Contains("'intel_iommu=on,igfx_off' to 'intel_iommu=on'", finding.Fix);
        Assert.Contains("'0000:00:02.0' is in no IOMMU group", report.Verdict);
        Assert.Contains("'0000:01:00.0' shares its IOMMU group", report.Verdict);
        Assert.DoesNotContain("every GPU", report.Verdict);
    }

    [Fact]
    public void The_boot_vga_is_told_to_make_another_gpu_primary_only_when_there_is_one()
    {
        // Arrange
        var only = Dev("0000:00:02.0", 0x030000, 0x8086, 0x9a49, 0, bootVga: true);
        var laptopDgpu = Dev("0000:01:00.0", 0x030200, 0x10de, 0x25a2, 1);
        var desktopCard = Dev("0000:01:00.0", 0x030000, 0x10de, 0x2504, 1, bootVga: true);
        var igpu = Dev("0000:00:02.0", 0x030000, 0x8086, 0x3e92, 0);

        // Act
        var laptopFix = PassthroughAdvisor.Assess(Host([only, laptopDgpu]), only).Findings.Single(f => f.Code == "boot-vga").Fix!;
        var desktopFix = PassthroughAdvisor.Assess(Host([igpu, desktopCard]), desktopCard).Findings.Single(f => f.Code == "boot-vga").Fix!;

        // Assert
        Assert.DoesNotContain("primary", laptopFix);
        Assert.Contains("only GPU with display outputs", laptopFix);
        Assert.Contains("make the integrated GPU '0000:00:02.0' the primary display", desktopFix);
    }

    [Theory]
    [InlineData((ushort)0x1616, "gvt-g")]     // Broadwell
    [InlineData((ushort)0x3e92, "gvt-g")]     // Coffee Lake
    [InlineData((ushort)0x9bc5, "gvt-g")]     // Comet Lake
    [InlineData((ushort)0x8a52, "no-gvt-g")]  // Ice Lake
    [InlineData((ushort)0x4680, "no-gvt-g")]  // Alder Lake
    [InlineData((ushort)0x0412, null)]        // Haswell
    public void An_intel_igpu_gets_the_gvt_g_answer_of_its_generation(ushort deviceId, string? code)
    {
        // Arrange
        var igpu = Dev("0000:00:02.0", 0x030000, 0x8086, deviceId, 0);

        // Act
        var codes = PassthroughAdvisor.Assess(Host([igpu]), igpu).Findings.Select(f => f.Code).ToList();

        // Assert
        Assert.Equal(code, codes.FirstOrDefault(c => c is "gvt-g" or "no-gvt-g" or "mdev"));
    }

    [Fact]
    public void An_amd_apu_says_it_needs_its_vbios_from_vfct_and_may_not_reset()
    {
        // Arrange: Renoir graphics
        var apu = Dev("0000:07:00.0", 0x030000, 0x1002, 0x1636, 5, bootVga: true);
        var platform = new PlatformFacts(["APIC", "FACP", "IVRS", "VFCT"]);

        // Act
        var finding = PassthroughAdvisor.Assess(Host([apu], platform: platform), apu).Findings.Single(f => f.Code == "amd-apu");

        // Assert
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("VFCT", finding.Message);
        Assert.Contains("reset", finding.Message);
        Assert.Contains("gpu.rom", finding.Fix);
    }

    [Fact]
    public void Without_cpuinfo_the_amd_iommu_function_decides_and_no_intel_parameter_is_advised()
    {
        // Arrange: no /proc/cpuinfo, IOMMU off, an AMD IOMMU function at 00:00.2
        var iommu = Dev("0000:00:00.2", 0x080600, 0x1022, 0x1481, null);
        var gpu = Dev("0000:0b:00.0", 0x030000, 0x1002, 0x73df, null);
        var host = Host([iommu, gpu]) with { IommuGroups = [], IommuEnabled = false };

        // Act
        var advice = string.Join("\n", AllAdvice(host));

        // Assert
        Assert.Equal(PlatformVendor.Amd, PlatformVendors.Of(host));
        Assert.DoesNotContain("intel_iommu", advice);
        Assert.DoesNotContain("VT-d", advice);
        Assert.Contains("AMD-Vi", advice);
    }

    [Fact]
    public void Without_cpuinfo_the_dmar_table_makes_an_intel_platform()
    {
        var host = Host([]) with { Platform = new PlatformFacts(["DMAR", "FACP"]) };
        Assert.Equal(PlatformVendor.Intel, PlatformVendors.Of(host));
        Assert.Equal("intel_iommu=on iommu=pt", KernelParameterAdvice.ParametersFor(host));
    }

    [Fact]
    public void A_proxmox_boot_tool_host_is_told_etc_kernel_cmdline_and_refresh()
    {
        // Arrange
        var boot = new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "debian", ProxmoxBootTool = true };

        // Act
        var how = KernelParameterAdvice.HowToAdd(boot, "intel_iommu=on");

        // Assert
        Assert.Contains("/etc/kernel/cmdline", how);
        Assert.Contains("proxmox-boot-tool refresh", how);
        Assert.DoesNotContain("update-grub", how);
        Assert.DoesNotContain("kernel-install", how);
    }

    [Fact]
    public void Amd_iommu_on_is_flagged_as_a_no_op_that_can_go()
    {
        // Arrange
        var host = Host([], cmdline: "ro quiet amd_iommu=on iommu=pt", cpu: new CpuInfo { VendorId = "AuthenticAMD", HasSvm = true });

        // Act
        var check = HostDoctor.Examine(host, []).Sections.Single(s => s.Title == "IOMMU").Checks.Single(c => c.Title == "amd_iommu=on");

        // Assert
        Assert.Contains("does nothing", check.Detail);
        Assert.Contains("Remove 'amd_iommu=on'", check.Fix);
        Assert.Contains("update-grub", check.Fix);
    }

    [Fact]
    public void Without_qemu_doctor_says_guests_cannot_run_and_gives_the_install_command()
    {
        // Arrange
        var host = Host([]) with { Tools = new HostTools(), Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = true } };

        // Act
        var report = HostDoctor.Examine(host, []);

        // Assert
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("cannot run until QEMU is installed", report.Verdict);
        Assert.Contains("apt-get install -y qemu-system-x86", report.Verdict);
        Assert.DoesNotContain("guests can run", report.Verdict);
        var kvm = report.Sections[0].Checks.Single(c => c.Title == "KVM");
        Assert.Equal(CheckStatus.Unknown, kvm.Status);
    }

    [Fact]
    public void A_kvm_whose_test_guest_ran_no_code_is_a_fail_and_exit_2()
    {
        // Arrange: kvm_pvm, where a paused guest starts but never reaches 64-bit mode
        var host = Host([]) with
        {
            Cpu = new CpuInfo { VendorId = "AuthenticAMD", HasSvm = false, HasVmx = false, IsHypervisorGuest = true },
            Kernel = new KernelInfo { KvmDevice = true, Modules = [new LoadedModule("kvm_pvm", 0, [])], KvmProbe = "a KVM guest with the host CPU did not reach 64-bit mode and write Lodge's marker within 2 s." },
        };

        // Act
        var report = HostDoctor.Examine(host, []);

        // Assert
        Assert.Equal(2, report.ExitCode);
        Assert.Equal(CheckStatus.Fail, report.Sections[0].Checks.Single(c => c.Title == "KVM").Status);
        Assert.False(HostDoctor.KvmAvailable(host));
        Assert.Contains("KVM is unusable", report.Verdict);
    }

    [Fact]
    public void A_missing_vhost_net_is_a_warning_with_modprobe()
    {
        var host = Host([]) with { Kernel = new KernelInfo { KvmDevice = true, VhostNetDevice = false } };
        var check = HostDoctor.Examine(host, []).Sections[0].Checks.Single(c => c.Title == "vhost-net");
        Assert.Equal(CheckStatus.Warning, check.Status);
        Assert.Contains("modprobe vhost_net", check.Fix);
    }

    [Theory]
    [InlineData(0, "takes the host's screen")]
    [InlineData(1, "keeps its screen")]
    public void A_laptop_whose_firmware_shows_a_gpu_mux_is_told_what_the_mux_changes(int mux, string expected)
    {
        // Arrange
        var igpu = Dev("0000:00:02.0", 0x030000, 0x8086, 0x9a49, 0, bootVga: true);
        var dgpu = Dev("0000:01:00.0", 0x030200, 0x10de, 0x25a2, 1);
        var host = Host([igpu, dgpu], platform: new PlatformFacts(ChassisType: 10, GpuMuxMode: mux));

        // Act
        var finding = PassthroughAdvisor.Assess(host, dgpu).Findings.Single(f => f.Code == "gpu-mux");

        // Assert
        Assert.Contains(expected, finding.Message);
    }
}
