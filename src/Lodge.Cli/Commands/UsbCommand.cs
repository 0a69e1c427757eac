using System.CommandLine;
using Lodge.Cli.Guests;
using Lodge.Linux;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge usb attach|detach NAME DEVICE</c>: QMP device_add/device_del of a usb-host device on the guest's xhci controller.</summary>
public static class UsbCommand
{
    /// <summary>Builds the command with its two subcommands.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("usb", "Attach or detach host USB devices to a running guest.");
        command.Subcommands.Add(Sub(context, attach: true));
        command.Subcommands.Add(Sub(context, attach: false));
        return command;
    }

    private static Command Sub(CliContext context, bool attach)
    {
        var name = new Argument<string>("NAME") { Description = "The running guest." };
        var device = new Argument<string>("DEVICE") { Description = "VVVV:PPPP (vendor:product) or port:BUS-PORT (e.g. port:1-4.2)." };
        var command = new Command(attach ? "attach" : "detach", attach ? "Hot-plug a host USB device into the guest." : "Unplug a USB device from the guest.");
        command.Arguments.Add(name);
        command.Arguments.Add(device);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var usb = UsbDeviceSpec.Parse(machine, parse.GetValue(device)!, Environment.GetEnvironmentVariable("LODGE_TEST_HOOKS") == "1");
            if (attach && usb.Driver == "usb-host" && !UsbDevicePresence.IsPresent(new HostRoot(parse.GetValue(LodgeApp.RootOption) ?? "/"), parse.GetValue(device)!))
            {
                throw new GuestRuntimeException(machine, $"No USB device '{parse.GetValue(device)}' is plugged into this host, so there is nothing to attach to '{machine}'.") { Hint = "Plug it in, then run the command again; 'lsusb' shows what is present." };
            }

            var state = new GuestStateStore(context.Roots).Refresh(machine, out _)
                ?? throw new GuestRuntimeException(machine, $"Guest '{machine}' is not running.");
            await using var client = await GuestRuntime.ConnectAsync(state, cancellationToken);
            if (attach)
            {
                // HOST EFFECT: QEMU claims the host device for the guest until detach or shutdown.
                await client.DeviceAddAsync(usb.Driver, usb.Id, usb.Properties, cancellationToken);
                context.Console.WriteLine($"Attached '{parse.GetValue(device)}' to '{machine}' as {usb.Id} on {UsbDeviceSpec.Bus}.");
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await client.DeviceDelAndWaitAsync(usb.Id, timeout.Token);
                context.Console.WriteLine($"Detached '{parse.GetValue(device)}' ({usb.Id}) from '{machine}'.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
