using System.CommandLine;
using Lodge.App.Guests;
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
            var named = parse.GetValue(device)!;
            var usb = await new GuestService(context.Host(parse)).UsbAsync(new UsbRequest(machine, named, attach), cancellationToken);
            context.Console.WriteLine(attach
                ? $"Attached '{named}' to '{machine}' as {usb.Id} on {UsbDeviceSpec.Bus}."
                : $"Detached '{named}' ({usb.Id}) from '{machine}'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
