using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Input devices: <c>/proc/bus/input/devices</c> plus udev's <c>/dev/input/by-id</c> links.</summary>
public sealed partial class SysfsScanner
{
    private const string InputDevicesFile = "/proc/bus/input/devices";
    private const string InputByIdDir = "/dev/input/by-id";

    // EV_REP from include/uapi/linux/input-event-codes.h: the kernel's autorepeat, which keyboards have and
    // power buttons (also "kbd" handlers) do not.
    private const int EvRepBit = 0x14;

    private IReadOnlyList<InputDevice> ScanInputDevices()
    {
        var blocks = ParseInputDevices(_root.ReadText(InputDevicesFile));
        var byId = ReadInputById();
        var result = new List<InputDevice>(blocks.Count);
        foreach (var block in blocks)
        {
            result.Add(BuildInputDevice(block, byId));
        }

        return result;
    }

    // by-id links, grouped by the event node they point at:
    //   usb-Logitech_USB_Receiver-event-kbd -> ../event3
    //   usb-Logitech_USB_Receiver-if01-event-mouse -> ../event4
    //   usb-Logitech_USB_Receiver-if01-mouse -> ../mouse0      (not an event node: ignored)
    private Dictionary<string, List<string>> ReadInputById()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in _root.ListDirectory(InputByIdDir))
        {
            var path = HostRoot.Combine(InputByIdDir, name);
            var target = _root.ReadLinkName(path);
            if (target is null || !EventNodeRegex().IsMatch(target))
            {
                continue;
            }

            if (!result.TryGetValue(target, out var links))
            {
                links = [];
                result[target] = links;
            }

            links.Add(path);
        }

        return result;
    }

    private static InputDevice BuildInputDevice(InputBlock block, Dictionary<string, List<string>> byId)
    {
        var handlers = block.Handlers;
        var eventNode = handlers.FirstOrDefault(h => EventNodeRegex().IsMatch(h));
        IReadOnlyList<string> links = eventNode is not null && byId.TryGetValue(eventNode, out var l) ? l : [];

        bool keyboard, mouse;
        if (links.Count > 0)
        {
            // udev classified it (60-persistent-input.rules: ID_INPUT_KEYBOARD → "-event-kbd", ID_INPUT_MOUSE → "-event-mouse").
            keyboard = links.Any(p => p.EndsWith("-event-kbd", StringComparison.Ordinal));
            mouse = links.Any(p => p.EndsWith("-event-mouse", StringComparison.Ordinal));
        }
        else
        {
            keyboard = handlers.Contains("kbd") && HasEventBit(block.EventBits, EvRepBit);
            mouse = handlers.Any(h => MouseHandlerRegex().IsMatch(h));
        }

        var (port, controller) = UsbLocationOf(block.Sysfs);
        return new InputDevice(block.Name ?? string.Empty, eventNode, links, block.Sysfs, keyboard, mouse, port, controller);
    }

    // S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/0003:046D:C52B.0001/input/input3
    //   → port "1-4" (the last component like 1-4 or 3-1.2), controller 0000:00:14.0 (the last PCI address)
    internal static (string? Port, PciAddress? Controller) UsbLocationOf(string? sysfsPath)
    {
        if (sysfsPath is null)
        {
            return (null, null);
        }

        string? port = null;
        PciAddress? controller = null;
        foreach (var part in sysfsPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (UsbPortRegex().IsMatch(part))
            {
                port = part;
            }
            else if (PciAddress.TryParse(part, out var a) && a.ToString() == part)
            {
                controller = a;
            }
        }

        return (port, controller);
    }

    // B: EV=120013 — a hex bitmap; long bitmaps are printed as space-separated words, most significant first.
    private static bool HasEventBit(string? bitmap, int bit)
    {
        if (bitmap is null)
        {
            return false;
        }

        var words = bitmap.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0
            || !ulong.TryParse(words[^1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        return (low & (1UL << bit)) != 0;
    }

    // Blocks separated by blank lines (drivers/input/input.c, input_devices_seq_show):
    //   I: Bus=0003 Vendor=046d Product=c52b Version=0111
    //   N: Name="Logitech USB Receiver"
    //   P: Phys=usb-0000:00:14.0-4/input0
    //   S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/0003:046D:C52B.0001/input/input3
    //   U: Uniq=
    //   H: Handlers=sysrq kbd event3 leds
    //   B: PROP=0
    //   B: EV=120013
    internal static IReadOnlyList<InputBlock> ParseInputDevices(string? text)
    {
        var result = new List<InputBlock>();
        if (text is null)
        {
            return result;
        }

        var current = new InputBlock();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                Flush(ref current);
                continue;
            }

            if (line.Length < 3 || line[1] != ':')
            {
                continue;
            }

            var body = line[2..].Trim();
            switch (line[0])
            {
                case 'I':
                    current.Seen = true;
                    break;
                case 'N':
                    current.Name = Unquote(ValueOf(body, "Name"));
                    current.Seen = true;
                    break;
                case 'S':
                    current.Sysfs = NullIfEmpty(ValueOf(body, "Sysfs"));
                    current.Seen = true;
                    break;
                case 'H':
                    current.Handlers = (ValueOf(body, "Handlers") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    current.Seen = true;
                    break;
                case 'B' when body.StartsWith("EV=", StringComparison.Ordinal):
                    current.EventBits = body[3..];
                    break;
            }
        }

        Flush(ref current);
        return result;

        void Flush(ref InputBlock block)
        {
            if (block.Seen)
            {
                result.Add(block);
            }

            block = new InputBlock();
        }
    }

    private static string? ValueOf(string body, string key) =>
        body.StartsWith(key + "=", StringComparison.Ordinal) ? body[(key.Length + 1)..] : null;

    private static string? Unquote(string? value) =>
        value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^event\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex EventNodeRegex();

    [GeneratedRegex(@"^mouse\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex MouseHandlerRegex();

    [GeneratedRegex(@"^\d+-[\d.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex UsbPortRegex();

    /// <summary>One block of <c>/proc/bus/input/devices</c>, as far as Lodge reads it.</summary>
    internal sealed class InputBlock
    {
        public bool Seen { get; set; }

        public string? Name { get; set; }

        public string? Sysfs { get; set; }

        public IReadOnlyList<string> Handlers { get; set; } = [];

        public string? EventBits { get; set; }
    }
}
