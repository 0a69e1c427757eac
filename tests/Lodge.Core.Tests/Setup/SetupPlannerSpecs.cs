using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Setup;

namespace Lodge.Core.Tests.Setup;

public sealed class SetupPlannerSpecs
{
    private static PciDevice Gpu(string address, ushort device, int group) =>
        new() { Address = PciAddress.Parse(address), Class = new PciClass(0x030000), IommuGroup = group, VendorId = 0x10de, DeviceId = device, Driver = "nvidia" };

    private static HostSnapshot Host(params PciDevice[] devices) => new()
    {
        Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = true },
        IommuEnabled = true,
        PciDevices = devices,
        IommuGroups = [.. devices.Select(d => new IommuGroup(d.IommuGroup!.Value, [d.Address], "DMA-FQ"))],
        Boot = new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "debian" },
    };

    private static readonly Dictionary<string, string?> GrubFiles = new() { ["/etc/default/grub"] = "GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n" };

    private static readonly string[] Kernels = ["/boot/vmlinuz-6.1.0-9-amd64", "/boot/vmlinuz-6.1.0-18-amd64"];

    private static Dictionary<string, string?> After(IReadOnlyDictionary<string, string?> files, SetupPlan plan)
    {
        var result = new Dictionary<string, string?>(files);
        foreach (var change in plan.Changes)
        {
            result[change.Path] = change.After;
        }

        return result;
    }

    private static MachineConfig Machine(string name, string device, GpuMode mode = GpuMode.Dedicated) =>
        new(name, name + ".toml") { Os = GuestOs.Linux, Gpu = new GpuConfig(device, mode) };

    [Fact]
    public void Two_identical_cards_are_bound_by_address_and_not_by_id()
    {
        // Arrange: the host keeps 0000:02:00.0, the guest gets 0000:01:00.0, both 10de:2504.
        var host = Host(Gpu("0000:01:00.0", 0x2504, 1), Gpu("0000:02:00.0", 0x2504, 2));

        // Act
        var machines = new[] { Machine("lin", "0000:01:00.0") };
        var apply = SetupPlanner.Plan(host, machines, GrubFiles, SetupPhase.Apply, Kernels);
        var plan = SetupPlanner.Plan(host, machines, After(GrubFiles, apply), SetupPhase.Confirm, Kernels);

        // Assert: the trial cannot bind by address from the command line, so it carries no ids= that would take the host's card too.
        Assert.DoesNotContain("vfio-pci.ids", apply.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After!, StringComparison.Ordinal);
        Assert.DoesNotContain(apply.Changes, c => c.Path == "/etc/modprobe.d/lodge-vfio.conf");
        var modprobe = plan.Changes.Single(c => c.Path == "/etc/modprobe.d/lodge-vfio.conf").After!;
        Assert.DoesNotContain("ids=", modprobe, StringComparison.Ordinal);
        Assert.Contains("softdep nvidia pre: vfio-pci", modprobe, StringComparison.Ordinal);
        Assert.Contains("install vfio-pci for d in 0000:01:00.0; do echo vfio-pci > /sys/bus/pci/devices/$d/driver_override; done; /sbin/modprobe --ignore-install vfio-pci $CMDLINE_OPTS\n", modprobe, StringComparison.Ordinal);
        Assert.DoesNotContain("0000:02:00.0", modprobe, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handoff_gpu_is_not_bound_early_but_still_gets_the_iommu_parameters()
    {
        // Arrange
        var host = Host(Gpu("0000:01:00.0", 0x2504, 1) with { BootVga = true });

        // Act
        var plan = SetupPlanner.Plan(host, [Machine("lin", "10de:2504", GpuMode.Handoff)], GrubFiles, SetupPhase.Apply, Kernels);

        // Assert
        Assert.DoesNotContain(plan.Changes, c => c.Path == "/etc/modprobe.d/lodge-vfio.conf");
        Assert.Equal(["intel_iommu=on", "iommu=pt"], plan.KernelParameters);
        Assert.Contains(["grub-reboot", "lodge-trial"], plan.BootCommands);
    }

    [Fact]
    public void No_machines_means_nothing_to_do()
    {
        // Act
        var plan = SetupPlanner.Plan(Host(Gpu("0000:01:00.0", 0x2504, 1)), [], GrubFiles);

        // Assert
        Assert.True(plan.IsEmpty);
        Assert.Null(plan.Error);
    }

    [Fact]
    public void Planning_against_the_files_a_plan_produced_changes_nothing()
    {
        // Arrange
        var host = Host(Gpu("0000:01:00.0", 0x2504, 1));
        var machines = new[] { Machine("lin", "10de:2504") with { Memory = new MemoryConfig(8L << 30, "1G") } };
        var first = SetupPlanner.Plan(host, machines, GrubFiles, SetupPhase.Apply, Kernels);
        var files = new Dictionary<string, string?>(GrubFiles);
        foreach (var change in first.Changes)
        {
            files[change.Path] = change.After;
        }

        // Act
        var second = SetupPlanner.Plan(host, machines, files, SetupPhase.Apply, Kernels);

        // Assert
        Assert.NotEmpty(first.Changes);
        Assert.Contains("hugepages=8", first.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After, StringComparison.Ordinal);
        Assert.True(second.IsEmpty);
    }

    [Fact]
    public void A_present_parameter_with_another_value_is_replaced_in_place()
    {
        // Arrange
        var files = new Dictionary<string, string?> { ["/etc/default/grub"] = "GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off quiet\"\n" };

        // Act
        var plan = SetupPlanner.Plan(Host(Gpu("0000:01:00.0", 0x2504, 1)), [Machine("lin", "10de:2504")], files, SetupPhase.Apply, Kernels);

        // Assert
        Assert.Contains("GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on quiet iommu=pt vfio-pci.ids=10de:2504\"", plan.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After, StringComparison.Ordinal);
    }
}
