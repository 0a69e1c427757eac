using System.Globalization;

namespace Lodge.Core.Hardware;

/// <summary>Names from pci.ids and usb.ids (the hwdata format), looked up lazily.</summary>
/// <remarks>
/// The format, from the file's own header:
/// <code>
/// 10de  NVIDIA Corporation
/// 	2504  GA106 [GeForce RTX 3060 Lite Hash Rate]
/// 		1462 397d  RTX 3060 VENTUS 2X 12G OC
/// </code>
/// Vendor lines start at column 0, devices with one tab, subsystems with two. Class sections (lines starting
/// with <c>C </c>) and later sections end the vendor list. Only vendor offsets are indexed up front; a vendor's
/// block is parsed on first use.
/// </remarks>
public sealed class IdsDatabase
{
    /// <summary>A database that knows no names.</summary>
    public static readonly IdsDatabase Empty = new(null, null);

    private readonly IdsFile? _pci;
    private readonly IdsFile? _usb;

    /// <summary>Creates a database from the text of pci.ids and usb.ids; either may be null.</summary>
    public IdsDatabase(string? pciIds, string? usbIds)
    {
        _pci = pciIds is null ? null : new IdsFile(pciIds);
        _usb = usbIds is null ? null : new IdsFile(usbIds);
    }

    public string? PciVendor(ushort vendor) => _pci?.Vendor(vendor);

    public string? PciDevice(ushort vendor, ushort device) => _pci?.Device(vendor, device);

    public string? PciSubsystem(ushort vendor, ushort device, ushort subVendor, ushort subDevice) =>
        _pci?.Subsystem(vendor, device, subVendor, subDevice);

    public string? UsbVendor(ushort vendor) => _usb?.Vendor(vendor);

    public string? UsbProduct(ushort vendor, ushort product) => _usb?.Device(vendor, product);

    private sealed class IdsFile
    {
        private readonly string _text;
        private readonly Dictionary<ushort, (int Start, int End, string Name)> _vendors = new();
        private readonly Dictionary<ushort, VendorBlock> _parsed = new();

        public IdsFile(string text)
        {
            _text = text;
            Index();
        }

        public string? Vendor(ushort vendor) => _vendors.TryGetValue(vendor, out var v) ? v.Name : null;

        public string? Device(ushort vendor, ushort device) =>
            Block(vendor)?.Devices.TryGetValue(device, out var d) == true ? d : null;

        public string? Subsystem(ushort vendor, ushort device, ushort subVendor, ushort subDevice) =>
            Block(vendor)?.Subsystems.TryGetValue((device, subVendor, subDevice), out var s) == true ? s : null;

        private void Index()
        {
            var pos = 0;
            ushort? current = null;
            var currentStart = 0;
            string currentName = string.Empty;
            while (pos < _text.Length)
            {
                var end = _text.IndexOf('\n', pos);
                if (end < 0)
                {
                    end = _text.Length;
                }

                var line = _text.AsSpan(pos, end - pos);
                if (line.Length >= 6 && line[0] != '\t' && line[0] != '#')
                {
                    if (current is { } c)
                    {
                        _vendors.TryAdd(c, (currentStart, pos, currentName));
                        current = null;
                    }

                    if (line[4] == ' ' && ushort.TryParse(line[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
                    {
                        current = id;
                        currentStart = end + 1;
                        currentName = line[4..].Trim().ToString();
                    }
                    else if (line[0] == 'C' && line[1] == ' ')
                    {
                        // Known device classes start here; vendors are over.
                        return;
                    }
                }

                pos = end + 1;
            }

            if (current is { } last)
            {
                _vendors.TryAdd(last, (currentStart, _text.Length, currentName));
            }
        }

        private VendorBlock? Block(ushort vendor)
        {
            if (_parsed.TryGetValue(vendor, out var block))
            {
                return block;
            }

            if (!_vendors.TryGetValue(vendor, out var range))
            {
                return null;
            }

            block = new VendorBlock();
            ushort? device = null;
            var start = Math.Min(range.Start, _text.Length);
            var end = Math.Min(range.End, _text.Length);
            foreach (var raw in _text[start..end].Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.StartsWith("\t\t", StringComparison.Ordinal))
                {
                    var body = line.AsSpan(2);
                    if (device is { } d && body.Length >= 10 && body[4] == ' '
                        && ushort.TryParse(body[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sv)
                        && ushort.TryParse(body[5..9], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sd))
                    {
                        block.Subsystems.TryAdd((d, sv, sd), body[9..].Trim().ToString());
                    }
                }
                else if (line.StartsWith('\t'))
                {
                    var body = line.AsSpan(1);
                    device = null;
                    if (body.Length >= 6 && body[4] == ' ' && ushort.TryParse(body[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
                    {
                        device = id;
                        block.Devices.TryAdd(id, body[4..].Trim().ToString());
                    }
                }
            }

            _parsed[vendor] = block;
            return block;
        }
    }

    private sealed class VendorBlock
    {
        public Dictionary<ushort, string> Devices { get; } = new();

        public Dictionary<(ushort Device, ushort SubVendor, ushort SubDevice), string> Subsystems { get; } = new();
    }
}
