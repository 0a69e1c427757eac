using System.Text.Json.Nodes;
using Lodge.Qmp.Commands;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using static Lodge.Qmp.Protocol.QmpSessionState;
using Lodge.Testing;

namespace Lodge.Qmp.Tests.Integration;

/// <summary>The client against a real qemu-system-x86_64 under TCG. Fails, not skips, when QEMU is missing: CI installs it.</summary>
[Trait("Category", "Integration")]
public sealed class QemuIntegrationSpecs
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_query_hot_plug_a_usb_kbd_unplug_it_and_quit_a_real_QEMU()
    {
        // Arrange
        await using var qemu = QemuUnderTest.Start("-device", "qemu-xhci,id=xhci");
        await qemu.WaitForSocketAsync(Patience.Event);
        var session = new QmpSession(QmpSessionOptions.Default.WithCommandTimeout(Patience.Event));
        var states = StateLog.Watch(session);
        await using var client = new QmpClient(session);

        // Act
        await session.ConnectUnixAsync(qemu.QmpSocketPath);
        var status = await client.QueryStatusAsync();
        await client.DeviceAddAsync("usb-kbd", "kbd0", new Dictionary<string, JsonNode?> { ["bus"] = "xhci.0" });
        var deleted = await client.DeviceDelAndWaitAsync("kbd0").WaitAsync(Patience.Event);
        await client.QuitAsync();
        await session.Completion.WaitAsync(Patience.Event);
        await qemu.Process.WaitForExitAsync().WaitAsync(Patience.Event);

        // Assert
        Assert.Equal(new QmpStatus("prelaunch", Running: false), status);
        Assert.Equal("kbd0", deleted.GetDataString("device"));
        Assert.True(session.Greeting?.Version.Major >= 7, $"Expected QEMU 7 or newer, got {session.Greeting?.Version}.");
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], states.States);
        Assert.True(qemu.Process.HasExited);
        Assert.Equal(0, qemu.Process.ExitCode);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_try_a_device_that_QEMU_rejects_and_keep_the_session()
    {
        // Arrange
        await using var qemu = QemuUnderTest.Start();
        await qemu.WaitForSocketAsync(Patience.Event);
        await using var client = await QmpClient.ConnectUnixAsync(qemu.QmpSocketPath);

        // Act
        var error = await Assert.ThrowsAsync<QmpCommandException>(() => client.DeviceAddAsync("usb-kbd", "kbd0", new Dictionary<string, JsonNode?> { ["bus"] = "no-such-bus.0" }));
        var status = await client.QueryStatusAsync();
        await client.QuitAsync();

        // Assert
        Assert.Equal(("device_add", "GenericError"), (error.Command, error.ErrorClass));
        Assert.Equal("prelaunch", status.Status);
        await qemu.Process.WaitForExitAsync().WaitAsync(Patience.Event);
    }
}
