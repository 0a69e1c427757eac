using Lodge.Core.Hardware;
using Lodge.Core.Libvirt;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Planning;

/// <summary>Stable guest hardware: the pinned machine type, fixed PCI addresses, the Hyper-V set checked against QEMU,
/// and what the libvirt XML refuses or concedes.</summary>
public sealed class StableHardwareSpecs
{
    private static readonly QemuCapabilities Qemu72 = new(["q35", "pc-q35-7.1", "pc-q35-7.2", "pc-i440fx-7.2"], ["hv-relaxed", "hv-tlbflush", "hv-ipi", "hv-stimer-direct"]);

    private static HostSnapshot Host(QemuCapabilities? caps) => new() { Tools = new HostTools { Qemu = new ToolInfo("/usr/bin/qemu-system-x86_64", "7.2.22"), QemuCaps = caps } };

    private static MachineConfig Parse(string toml) => MachineParser.Parse(toml, "m.toml", "m").Machine;

    private static MachinePlan Plan(string toml, QemuCapabilities? caps) => MachinePlanner.Plan(Parse(toml), Host(caps), [], RuntimeLayout.For("m"));

    [Fact]
    public void I_can_check_a_machine_whose_pinned_machine_type_the_installed_QEMU_no_longer_offers_and_learn_what_to_do()
    {
        // Arrange
        var machine = Parse("os = \"linux\"\nmachine = \"pc-q35-6.0\"\n");

        // Act
        var problems = MachineValidator.Validate(machine, Host(Qemu72), [], []);

        // Assert
        var problem = Assert.Single(problems, p => p.Code == "machine-type-gone");
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.Equal(2, problem.Location.Line);
        Assert.Contains("'pc-q35-6.0'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("machine = \"pc-q35-7.2\"", problem.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(MachineValidator.Validate(Parse("os = \"linux\"\nmachine = \"pc-q35-7.1\"\n"), Host(Qemu72), [], []), p => p.Code.StartsWith("machine", StringComparison.Ordinal));
    }

    [Fact]
    public void I_get_the_pinned_machine_type_in_the_argv_and_the_XML()
    {
        // Arrange
        var plan = Plan("os = \"linux\"\nmachine = \"pc-q35-7.1\"\n", Qemu72);

        // Act
        var argv = QemuArgvBuilder.Build(plan);
        var xml = DomainXmlWriter.Write(plan);

        // Assert
        Assert.StartsWith("pc-q35-7.1,", argv[argv.ToList().IndexOf("-machine") + 1], StringComparison.Ordinal);
        Assert.Contains("machine=\"pc-q35-7.1\"", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void I_get_a_Windows_guest_without_the_Hyper_V_enlightenments_QEMU_lacks_and_a_warning_naming_them()
    {
        // Arrange
        var old = Qemu72 with { CpuProperties = ["hv-relaxed", "hv-tlbflush"] };

        // Act
        var plan = Plan("os = \"windows10\"\n", old);
        var cpu = QemuArgvBuilder.Build(plan).SkipWhile(a => a != "-cpu").Skip(1).First();

        // Assert
        Assert.Contains(",hv-tlbflush", cpu, StringComparison.Ordinal);
        Assert.DoesNotContain("hv-ipi", cpu, StringComparison.Ordinal);
        Assert.DoesNotContain("hv-stimer-direct", cpu, StringComparison.Ordinal);
        Assert.Contains(plan.Warnings, w => w.Contains("hv-ipi, hv-stimer-direct", StringComparison.Ordinal));
        Assert.StartsWith("host,migratable=off,", cpu, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_add_a_disk_and_a_share_later_without_any_other_device_moving()
    {
        // Arrange
        const string Before = "os = \"linux\"\n[[disk]]\npath = \"a.qcow2\"\n[[share]]\nhost = \"/srv/a\"\nprotocol = \"9p\"\n";
        const string After = "os = \"linux\"\n[[disk]]\npath = \"a.qcow2\"\n[[disk]]\npath = \"b.qcow2\"\n[[share]]\nhost = \"/srv/a\"\nprotocol = \"9p\"\n[[share]]\nhost = \"/srv/b\"\nprotocol = \"9p\"\n";

        // Act
        var before = QemuArgvBuilder.Build(Plan(Before, Qemu72)).Where(a => a.Contains("addr=", StringComparison.Ordinal)).ToList();
        var after = QemuArgvBuilder.Build(Plan(After, Qemu72)).Where(a => a.Contains("addr=", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.All(before, device => Assert.Contains(device, after));
        Assert.Equal(before.Count + 2, after.Count);
    }

    [Fact]
    public void I_can_try_to_export_qemu_args_that_libvirt_writes_itself_and_get_a_refusal_naming_the_option()
    {
        // Arrange
        var plan = Plan("os = \"linux\"\nqemu_args = [\"-machine\", \"hpet=on\"]\n", Qemu72);

        // Act
        var error = Assert.Throws<ConfigException>(() => DomainXmlWriter.Write(plan));

        // Assert
        Assert.Contains("'-machine'", error.Message, StringComparison.Ordinal);
        Assert.Contains("-device", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void I_get_qemu_args_devices_in_QEMUs_typed_JSON_form()
    {
        // Act
        var json = QemuJson.Device("virtio-rng-pci,max-bytes=1024,period=1000,addr=0x1e,id=rng0,serial=0123,disable-legacy=on");

        // Assert
        Assert.Equal("{\"driver\":\"virtio-rng-pci\",\"max-bytes\":1024,\"period\":1000,\"addr\":\"0x1e\",\"id\":\"rng0\",\"serial\":\"0123\",\"disable-legacy\":true}", json);
    }

    [Fact]
    public void I_get_every_compromise_of_the_XML_as_a_sentence_for_stderr()
    {
        // Arrange
        var plan = Plan("os = \"linux\"\n[[disk]]\npath = \"a.qcow2\"\nbus = \"nvme\"\n[[usb]]\ndevice = \"port:1-4.2\"\n", Qemu72);

        // Act
        var compromises = DomainXmlWriter.Compromises(plan);

        // Assert
        Assert.Contains(compromises, c => c.StartsWith("Disk 'drive0' is NVMe in the argv but SATA in the XML", StringComparison.Ordinal));
        Assert.Contains(compromises, c => c.StartsWith("USB port 1-4.2 goes to qemu:commandline", StringComparison.Ordinal));
        Assert.All(compromises, c => Assert.EndsWith(".", c, StringComparison.Ordinal));
    }

    [Fact]
    public void I_get_a_new_machine_file_that_pins_the_installed_QEMUs_newest_q35()
    {
        // Act
        var text = MachineTemplate.Write(GuestOs.Linux, "none", Host(Qemu72), []);
        var parsed = MachineParser.Parse(text, "m.toml", "m");

        // Assert
        Assert.Contains("machine = \"pc-q35-7.2\"", text, StringComparison.Ordinal);
        Assert.Equal("pc-q35-7.2", parsed.Machine.MachineType);
        Assert.DoesNotContain(parsed.Problems, p => p.Severity == Severity.Error);
    }
}
