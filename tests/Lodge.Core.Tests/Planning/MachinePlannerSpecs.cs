using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Planning;

/// <summary>Planner rules the goldens show only in passing: firmware order, hybrid pinning, hugepage choice, share protocol.</summary>
public sealed class MachinePlannerSpecs
{
    private static readonly FirmwareTarget Q35 = new("x86_64", ["pc-q35-*"]);

    private static FirmwareDescriptor Descriptor(string file, params string[] features) => new()
    {
        FileName = file,
        InterfaceTypes = ["uefi"],
        Features = features,
        Targets = [Q35],
        Device = "flash",
        Executable = $"/fw/{file}.code",
        NvramTemplate = $"/fw/{file}.vars",
        Format = "raw",
    };

    private static MachinePlan Plan(MachineConfig machine, HostSnapshot host) =>
        MachinePlanner.Plan(machine, host, [], RuntimeLayout.For(machine.Name));

    [Fact]
    public void I_get_no_evdev_for_a_keyboard_that_hangs_off_a_passed_USB_controller_since_it_goes_to_the_guest_with_it()
    {
        // Arrange: lab scenario 9 found QEMU failing to open the keyboard's event node, gone once its xHCI was on vfio-pci
        var (fixture, assessments) = Machines.FixtureHosts.Load("EADE3920D9");
        var xhci = PciAddress.Parse("0000:08:00.3");
        var host = fixture with
        {
            InputDevices =
            [
                new("QEMU USB Keyboard", "event3", ["/dev/input/by-id/usb-QEMU_QEMU_USB_Keyboard-event-kbd"], null, true, false, "3-1", xhci),
                new("Logitech USB Keyboard", "event4", ["/dev/input/by-id/usb-Logitech_USB_Keyboard-event-kbd"], null, true, false, "1-4", PciAddress.Parse("0000:01:00.0")),
            ],
        };
        var machine = new MachineConfig("usb", "usb.toml") { Usb = [new UsbConfig(null, xhci.ToString())] };

        // Act
        var plan = MachinePlanner.Plan(machine, host, assessments, RuntimeLayout.For("usb"));

        // Assert
        Assert.Equal([xhci], plan.UsbControllers);
        Assert.Equal(["/dev/input/by-id/usb-Logitech_USB_Keyboard-event-kbd"], plan.Input.Keyboards);
    }

    [Fact]
    public void I_get_the_first_descriptor_in_file_name_order_that_has_secure_boot_enrolled_keys_and_SMM()
    {
        // Arrange
        var host = new HostSnapshot
        {
            Firmware =
            [
                Descriptor("10-sev", "amd-sev-es", "secure-boot", "enrolled-keys", "requires-smm"),
                Descriptor("30-plain"),
                Descriptor("40-secure-no-keys", "secure-boot", "requires-smm"),
                Descriptor("50-secure-enrolled", "secure-boot", "enrolled-keys", "requires-smm"),
                Descriptor("60-secure-enrolled-too", "secure-boot", "enrolled-keys", "requires-smm"),
            ],
        };

        // Act
        var secure = Plan(new MachineConfig("w", "w.toml") { Firmware = new FirmwareConfig(FirmwareType.UefiSecure) }, host).Firmware;
        var plain = Plan(new MachineConfig("l", "l.toml") { Firmware = new FirmwareConfig(FirmwareType.Uefi) }, host).Firmware;
        var bios = Plan(new MachineConfig("b", "b.toml") { Firmware = new FirmwareConfig(FirmwareType.Bios) }, host).Firmware;

        // Assert
        Assert.Equal(("50-secure-enrolled", true, true), (secure.Descriptor, secure.SecureBoot, secure.Smm));
        Assert.Equal("/var/lib/lodge/w/nvram.fd", secure.Nvram);
        Assert.Equal(("30-plain", false, false), (plain.Descriptor, plain.SecureBoot, plain.Smm));
        Assert.Equal((false, null, null), (bios.Uefi, bios.Code, bios.Nvram));
    }

    [Fact]
    public void I_get_Debians_OVMF_paths_with_a_reason_when_the_host_has_no_descriptor()
    {
        // Act
        var plan = Plan(new MachineConfig("w", "w.toml") { Firmware = new FirmwareConfig(FirmwareType.UefiSecure) }, new HostSnapshot());

        // Assert
        Assert.Equal("/usr/share/OVMF/OVMF_CODE_4M.ms.fd", plan.Firmware.Code);
        Assert.Contains(plan.Decisions, d => d.Topic == "firmware" && d.Reason.Contains("No firmware descriptor", StringComparison.Ordinal));
    }

    [Fact]
    public void I_get_vCPUs_on_P_cores_first_and_the_emulator_on_what_is_left_on_a_hybrid_host()
    {
        // Arrange: 4 P-cores with SMT (0-7), 4 E-cores (8-11).
        var cpus = Enumerable.Range(0, 12).Select(id => id < 8
            ? new LogicalCpu(id, 0, 0, id / 2, [id & ~1, id | 1], [.. Enumerable.Range(0, 12)], CpuCoreType.Performance)
            : new LogicalCpu(id, 0, 0, id - 4, [id], [.. Enumerable.Range(0, 12)], CpuCoreType.Efficiency)).ToList();
        var host = new HostSnapshot { Topology = new CpuTopology { Cpus = cpus } };

        // Act
        var cpu = Plan(new MachineConfig("h", "h.toml") { Cpu = new CpuConfig(4, 2, "auto") }, host).Cpu;

        // Assert: E-cores have no sibling to be a guest thread, so the four P-cores (core 0's too) take the guest and the
        // emulator gets the E-cores.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], cpu.VcpuPins);
        Assert.Equal(2, cpu.Threads);
        Assert.Equal([8, 9, 10, 11], cpu.EmulatorCpus);
    }

    [Theory]
    [InlineData(16, 9000, 1048576L)]
    [InlineData(15, 9000, 2048L)]
    [InlineData(0, 100, null)]
    public void I_get_the_largest_hugepage_size_whose_free_pages_hold_the_guest(long free1G, long free2M, long? expected)
    {
        // Arrange
        var host = new HostSnapshot { Memory = new MemoryInfo { HugePages = [new HugePagePool(2048, free2M, free2M), new HugePagePool(1048576, free1G, free1G)] } };

        // Act
        var memory = Plan(new MachineConfig("m", "m.toml") { Memory = new MemoryConfig(16L << 30, "auto") }, host).Memory;

        // Assert
        Assert.Equal(expected, memory.HugePageKiB);
    }

    [Theory]
    [InlineData(GuestOs.MacOs, "smb")]
    [InlineData(GuestOs.Linux, "virtiofs")]
    [InlineData(GuestOs.Windows11, "virtiofs")]
    public void I_get_the_share_protocol_that_suits_the_guest_when_it_is_auto(GuestOs os, string protocol)
    {
        // Act
        var plan = Plan(new MachineConfig("s", "s.toml") { Os = os, Shares = [new ShareConfig("/srv/shared", "shared", "auto")] }, new HostSnapshot());

        // Assert
        Assert.Equal(protocol, plan.Shares[0].Protocol);
        Assert.Equal(protocol == "virtiofs", plan.Memory.Shared);
    }
}
