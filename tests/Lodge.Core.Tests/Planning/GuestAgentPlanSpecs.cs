using System.Xml.Linq;
using Lodge.Core.Libvirt;
using Lodge.Core.Machines;
using Lodge.Core.Qemu;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

// Issue 13 item 6: [guest] agent = true adds the QEMU guest agent's virtio-serial channel; shutdown_timeout is read.
public sealed class GuestAgentPlanSpecs
{
    [Fact]
    public void I_can_say_the_guest_agent_is_installed_and_set_a_shutdown_timeout_in_the_machine_file()
    {
        // Act
        var parsed = MachineParser.Parse("[guest]\nagent = true\nshutdown_timeout = 600\n", "win.toml", "win");
        var defaults = MachineParser.Parse("os = \"linux\"\n", "lin.toml", "lin");

        // Assert: shutdown_timeout is a top-level key, so it must come before any table.
        Assert.True(parsed.Machine.GuestAgent);
        Assert.False(defaults.Machine.GuestAgent);
        Assert.Equal(MachineConfig.DefaultShutdownTimeoutSeconds, defaults.Machine.ShutdownTimeoutSeconds);
        Assert.Equal(300, MachineConfig.DefaultShutdownTimeoutSeconds);
        var top = MachineParser.Parse("shutdown_timeout = 600\n[guest]\nagent = true\n", "win.toml", "win");
        Assert.Empty(top.Problems);
        Assert.Equal(600, top.Machine.ShutdownTimeoutSeconds);
    }

    [Theory]
    [InlineData("linux-dedicated-looking-glass-1440p", true)]
    [InlineData("win11-handoff-amd-9p-qemu72", false)]
    public void I_can_plan_a_machine_with_the_guest_agent_and_get_its_channel_on_the_one_virtio_serial_bus(string name, bool spiceBus)
    {
        // Arrange
        var (plan, _) = PlanCases.Load(name);
        var withAgent = plan with { Machine = plan.Machine with { GuestAgent = true } };

        // Act
        var args = QemuArgvBuilder.Build(withAgent);
        var without = QemuArgvBuilder.Build(plan);

        // Assert
        var socket = $"{plan.Layout.RunDir}/qga.sock";
        Assert.Contains($"socket,id=qga0,path={socket},server=on,wait=off", args);
        Assert.Contains("virtserialport,bus=vserial0.0,chardev=qga0,name=org.qemu.guest_agent.0", args);
        Assert.Equal(1, args.Count(a => a.StartsWith("virtio-serial-pci,id=vserial0,", StringComparison.Ordinal)));
        Assert.Equal(spiceBus, without.Any(a => a.StartsWith("virtio-serial-pci,", StringComparison.Ordinal)));
        Assert.DoesNotContain(without, a => a.Contains("qga", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("linux-dedicated-looking-glass-1440p")]
    [InlineData("win11-handoff-amd-9p-qemu72")]
    public async Task I_can_export_a_machine_with_the_guest_agent_and_the_XML_gives_libvirt_the_same_channel_as_the_argv(string name)
    {
        // Arrange: the argv had the channel and the XML did not, so libvirt's guest would have had no agent.
        var (plan, _) = PlanCases.Load(name);
        var withAgent = plan with { Machine = plan.Machine with { GuestAgent = true } };

        // Act
        var xml = DomainXmlWriter.Write(withAgent);
        var devices = XDocument.Parse(xml).Root!.Element("devices")!;
        var rejection = await LibvirtSchema.ValidateDomainAsync(xml);

        // Assert: one virtio-serial controller, and a unix channel on the argv's socket named for qemu-ga.
        Assert.True(rejection is null, rejection);
        Assert.Single(devices.Elements("controller"), c => (string?)c.Attribute("type") == "virtio-serial");
        var channel = Assert.Single(devices.Elements("channel"), c => (string?)c.Attribute("type") == "unix");
        Assert.Equal(QemuArgvBuilder.AgentSocketOf(plan.Layout.RunDir), (string?)channel.Element("source")!.Attribute("path"));
        Assert.Equal("bind", (string?)channel.Element("source")!.Attribute("mode"));
        Assert.Equal("org.qemu.guest_agent.0", (string?)channel.Element("target")!.Attribute("name"));
        Assert.DoesNotContain("qga", DomainXmlWriter.Write(plan), StringComparison.Ordinal);
    }
}
