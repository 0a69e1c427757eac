using System.Globalization;
using System.Text.Json.Nodes;
using Lodge.Core;

namespace Lodge.App.Guests;

/// <summary>A USB device named on the command line: <c>VVVV:PPPP</c> (vendor:product) or <c>port:BUS-PORT[.PORT]</c>, turned into a <c>usb-host</c> device on <c>xhci.0</c>.</summary>
/// <param name="Id">The QMP device id, derived from the name so that detach finds it again.</param>
public sealed record UsbDeviceSpec(string Driver, string Id, IReadOnlyDictionary<string, JsonNode?> Properties)
{
    /// <summary>The bus of the guest's xhci controller, which every machine (and the demo) defines as <c>-device qemu-xhci,id=xhci</c>.</summary>
    public const string Bus = "xhci.0";

    /// <summary>Parses <paramref name="device"/>; with <paramref name="allowEmulated"/> (the test hook <c>LODGE_TEST_HOOKS=1</c>), <c>emulated:usb-kbd</c> adds an emulated device instead.</summary>
    public static UsbDeviceSpec Parse(string machine, string device, bool allowEmulated)
    {
        var id = "usb-" + new string(device.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        var bus = new Dictionary<string, JsonNode?> { ["bus"] = Bus };
        if (allowEmulated && device.StartsWith("emulated:", StringComparison.Ordinal))
        {
            return new UsbDeviceSpec(device["emulated:".Length..], id, bus);
        }

        if (device.StartsWith("port:", StringComparison.Ordinal))
        {
            // "port:1-4.2" is hostbus 1, hostport "4.2": the path shown by 'lsusb -t' and in /sys/bus/usb/devices/1-4.2.
            var path = device[5..];
            var dash = path.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(path[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var hostBus) && path.Length > dash + 1)
            {
                bus["hostbus"] = hostBus;
                bus["hostport"] = path[(dash + 1)..];
                return new UsbDeviceSpec("usb-host", id, bus);
            }
        }
        else if (device.Length == 9 && device[4] == ':'
            && int.TryParse(device[..4], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var vendor)
            && int.TryParse(device[5..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var product))
        {
            bus["vendorid"] = vendor;
            bus["productid"] = product;
            return new UsbDeviceSpec("usb-host", id, bus);
        }

        throw new UsbDeviceSyntaxException(machine, device);
    }
}
