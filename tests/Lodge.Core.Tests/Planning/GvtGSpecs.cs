using Lodge.Core.Passthrough;
using Lodge.Core.Hardware;
using Lodge.Core.Libvirt;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

/// <summary>gpu.mode = "gvt-g": a mediated slice of the Intel iGPU, planned, passed to QEMU and to libvirt.</summary>
public sealed class GvtGSpecs
{
    private static readonly PciDevice Igpu = new()
    {
        Address = PciAddress.Parse("0000:00:02.0"),
        VendorId = 0x8086,
        DeviceId = 0x3e92,
        Class = new PciClass(0x030000),
        BootVga = true,
        MdevTypes = [new MdevType("i915-GVTg_V5_8", "GVTg_V5_8", 2), new MdevType("i915-GVTg_V5_4", "GVTg_V5_4", 1), new MdevType("i915-GVTg_V5_1", "GVTg_V5_1", 1)],
    };

    private static MachineConfig Machine(string device = "auto") =>
        new("office", "/etc/lodge/machines/office.toml") { Os = GuestOs.Windows10, Gpu = new GpuConfig(device, GpuMode.GvtG) };

    private static HostSnapshot Host(params PciDevice[] devices) => new() { PciDevices = devices, IommuEnabled = true, IommuGroups = [new IommuGroup(0, [Igpu.Address], null)] };

    [Fact]
    public void The_usual_v5_4_slice_of_the_igpu_is_planned_with_a_uuid_that_stays_the_same()
    {
        // Act
        var plan = MachinePlanner.Plan(Machine(), Host(Igpu), [], RuntimeLayout.For("office"));
        var again = MachinePlanner.Plan(Machine("8086:3e92"), Host(Igpu), [], RuntimeLayout.For("office"));

        // Assert
        Assert.Equal(new MdevSpec("0000:00:02.0", "i915-GVTg_V5_4", MachinePlanner.UuidFor("office")), plan.Gpu.Mdev);
        Assert.Equal(plan.Gpu.Mdev, again.Gpu.Mdev);
        Assert.NotEqual(MachinePlanner.UuidFor("office"), MachinePlanner.UuidFor("office2"));
        Assert.True(Guid.TryParseExact(plan.Gpu.Mdev!.Uuid, "D", out _));
    }

    [Fact]
    public async Task The_argv_the_launch_spec_and_the_domain_xml_carry_the_mediated_device()
    {
        // Arrange
        var plan = MachinePlanner.Plan(Machine(), Host(Igpu), [], RuntimeLayout.For("office"));
        var uuid = plan.Gpu.Mdev!.Uuid;

        // Act
        var argv = QemuArgvBuilder.Build(plan);
        var spec = LaunchSpecBuilder.Build(plan);
        var xml = DomainXmlWriter.Write(plan);

        // Assert
        Assert.Contains($"vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuid},id=gvt0,display=off,x-igd-opregion=on,bus=pcie.0,addr=0xf", argv);
        Assert.Equal(plan.Gpu.Mdev, spec.Mdev);
        Assert.Contains($"<address uuid=\"{uuid}\" />", xml);
        Assert.Contains("type=\"mdev\"", xml);
        var rejection = await LibvirtSchema.ValidateDomainAsync(xml);
        Assert.True(rejection is null, rejection);
    }

    [Fact]
    public void A_gvt_g_generation_without_mediated_types_yet_is_a_warning_that_names_setup()
    {
        // Arrange: Coffee Lake (8086:3e92) before i915.enable_gvt=1 and kvmgt
        var plain = Igpu with { MdevTypes = [] };

        // Act
        var problems = MachineValidator.Validate(Machine(), Host(plain), [], []);

        // Assert
        var problem = Assert.Single(problems, p => p.Code == "gvt-g-not-enabled");
        Assert.Equal(Severity.Warning, problem.Severity);
        Assert.Contains("lodge setup --for office", problem.Fix);
        Assert.Contains("i915.enable_gvt=1", problem.Fix);
        Assert.DoesNotContain(problems, p => p.Severity == Severity.Error);
        Assert.Throws<ConfigException>(() => MachinePlanner.Plan(Machine(), Host(plain), [], RuntimeLayout.For("office")));
    }

    [Theory]
    [InlineData(0x9a49)] // Tiger Lake (Gen12)
    [InlineData(0x8a52)] // Ice Lake (Gen11)
    public void A_gen11_or_later_igpu_is_a_check_error_that_says_gvt_g_is_gone(int deviceId)
    {
        // Arrange
        var later = Igpu with { DeviceId = (ushort)deviceId, MdevTypes = [] };

        // Act
        var problem = Assert.Single(MachineValidator.Validate(Machine(), Host(later), [], []), p => p.Code == "gvt-g-unavailable");

        // Assert
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.Contains("GVT-g ended with Comet Lake", problem.Fix);
        Assert.Contains("SR-IOV", problem.Fix);
    }
}
