using System.Text;

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
    public static readonly IdsDatabase Empty = new((string?)null, null);

    private readonly IdsFile? _pci;
    private IdsFile? _usb;
    private Func<ReadOnlyMemory<byte>?>? _usbLoader;

    /// <summary>Creates a database from the text of pci.ids and usb.ids; either may be null.</summary>
    public IdsDatabase(string? pciIds, string? usbIds)
    {
        _pci = pciIds is null ? null : new IdsFile(Encoding.UTF8.GetBytes(pciIds));
        _usb = usbIds is null ? null : new IdsFile(Encoding.UTF8.GetBytes(usbIds));
    }

    /// <summary>Creates a database from the bytes of pci.ids and a loader of usb.ids, called on the first USB look-up only.</summary>
    /// <remarks>The files stay bytes: vendors are indexed by offset, and only the names looked up are decoded.</remarks>
    public IdsDatabase(ReadOnlyMemory<byte>? pciIds, Func<ReadOnlyMemory<byte>?>? usbIds)
    {
        _pci = pciIds is { } pci ? new IdsFile(pci) : null;
        _usbLoader = usbIds;
    }

    public string? PciVendor(ushort vendor) => _pci?.Vendor(vendor);

    public string? PciDevice(ushort vendor, ushort device) => _pci?.Device(vendor, device);

    public string? PciSubsystem(ushort vendor, ushort device, ushort subVendor, ushort subDevice) =>
        _pci?.Subsystem(vendor, device, subVendor, subDevice);

    public string? UsbVendor(ushort vendor) => Usb()?.Vendor(vendor);

    public string? UsbProduct(ushort vendor, ushort product) => Usb()?.Device(vendor, product);

    private IdsFile? Usb()
    {
        if (_usbLoader is { } load)
        {
            _usbLoader = null;
            _usb = load() is { } bytes ? new IdsFile(bytes) : null;
        }

        return _usb;
    }

    private static int Hex4(ReadOnlySpan<byte> s)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var c = s[i];
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    // The name part of a line: ASCII white space trimmed off the bytes, then decoded (and trimmed as text, as before).
    private static string Name(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes.Trim(" \t\n\r\v\f"u8)).Trim();

    private sealed class IdsFile
    {
        private readonly ReadOnlyMemory<byte> _text;
        private readonly Dictionary<ushort, (int Start, int End, int NameStart, int NameEnd)> _vendors = new();
        private readonly Dictionary<ushort, string> _vendorNames = new();
        private readonly Dictionary<ushort, VendorBlock> _parsed = new();

        public IdsFile(ReadOnlyMemory<byte> text)
        {
            _text = text;
            Index();
        }

        public string? Vendor(ushort vendor)
        {
            if (_vendorNames.TryGetValue(vendor, out var name))
            {
                return name;
            }

            if (!_vendors.TryGetValue(vendor, out var v))
            {
                return null;
            }

            name = Name(_text.Span[v.NameStart..v.NameEnd]);
            _vendorNames[vendor] = name;
            return name;
        }

        // A name is decoded once however many functions carry it (a host has many of the same device).
        public string? Device(ushort vendor, ushort device)
        {
            if (Block(vendor) is not { } block || !block.Devices.TryGetValue(device, out var d))
            {
                return null;
            }

            return NameAt(block, d.NameStart, d.NameLength);
        }

        // Subsystems are not indexed: the lines below the device (a few dozen at most) are searched when one is asked for.
        public string? Subsystem(ushort vendor, ushort device, ushort subVendor, ushort subDevice)
        {
            if (Block(vendor) is not { } block || !block.Devices.TryGetValue(device, out var d))
            {
                return null;
            }

            var found = FindSubsystem(d.SubStart, d.SubEnd, subVendor, subDevice);
            if (found.Start < 0 && block.MoreSubsystems is { } more)
            {
                // A device listed twice: the lines below each listing count, the first listing first.
                foreach (var (id, start, end) in more)
                {
                    if (id == device && (found = FindSubsystem(start, end, subVendor, subDevice)).Start >= 0)
                    {
                        break;
                    }
                }
            }

            return found.Start < 0 ? null : NameAt(block, found.Start, found.Length);
        }

        private string NameAt(VendorBlock block, int start, int length)
        {
            if (!block.Names.TryGetValue(start, out var name))
            {
                name = Name(_text.Span.Slice(start, length));
                block.Names[start] = name;
            }

            return name;
        }

        // "\t\tSSSS DDDD  name" lines in [start, end): the first that names the subsystem.
        private (int Start, int Length) FindSubsystem(int start, int end, ushort subVendor, ushort subDevice)
        {
            var text = _text.Span;
            var pos = start;
            while (pos < end)
            {
                var nl = text[pos..end].IndexOf((byte)'\n');
                var lineEnd = nl < 0 ? end : pos + nl;
                var next = lineEnd + 1;
                if (lineEnd > pos && text[lineEnd - 1] == '\r')
                {
                    lineEnd--;
                }

                var line = text[pos..lineEnd];
                if (line.Length >= 12 && line[0] == '\t' && line[1] == '\t' && line[6] == ' '
                    && Hex4(line[2..]) == subVendor && Hex4(line[7..]) == subDevice)
                {
                    return (pos + 2 + 9, line.Length - 11);
                }

                pos = next;
            }

            return (-1, 0);
        }

        private void Index()
        {
            var text = _text.Span;
            var pos = 0;
            var current = -1;
            var currentStart = 0;
            var nameStart = 0;
            var nameEnd = 0;
            while (pos < text.Length)
            {
                var nl = text[pos..].IndexOf((byte)'\n');
                var end = nl < 0 ? text.Length : pos + nl;
                var line = text[pos..end];
                if (line.Length >= 6 && line[0] != '\t' && line[0] != '#')
                {
                    if (current >= 0)
                    {
                        _vendors.TryAdd((ushort)current, (currentStart, pos, nameStart, nameEnd));
                        current = -1;
                    }

                    if (line[4] == ' ' && Hex4(line) is var id and >= 0)
                    {
                        current = id;
                        currentStart = Math.Min(end + 1, text.Length);
                        nameStart = pos + 4;
                        nameEnd = end;
                    }
                    else if (line[0] == 'C' && line[1] == ' ')
                    {
                        // Known device classes start here; vendors are over.
                        return;
                    }
                }

                pos = end + 1;
            }

            if (current >= 0)
            {
                _vendors.TryAdd((ushort)current, (currentStart, text.Length, nameStart, nameEnd));
            }
        }

        // A vendor's devices, each with the range of the lines below it (its subsystems).
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
            var text = _text.Span;
            var device = -1;
            var deviceStart = 0;
            var pos = range.Start;
            while (pos < range.End)
            {
                var nl = text[pos..range.End].IndexOf((byte)'\n');
                var end = nl < 0 ? range.End : pos + nl;
                var lineEnd = end > pos && text[end - 1] == '\r' ? end - 1 : end;
                var line = text[pos..lineEnd];
                if (line.Length >= 1 && line[0] == '\t' && (line.Length < 2 || line[1] != '\t'))
                {
                    // A device line (one tab) ends the lines of the device before it.
                    block.Close(device, deviceStart, pos);
                    var body = line[1..];
                    device = -1;
                    if (body.Length >= 6 && body[4] == ' ' && Hex4(body) is var id and >= 0)
                    {
                        device = id;
                        deviceStart = Math.Min(end + 1, range.End);
                        block.Devices.TryAdd((ushort)id, (pos + 1 + 4, body.Length - 4, -1, -1));
                    }
                }

                pos = end + 1;
            }

            block.Close(device, deviceStart, range.End);
            _parsed[vendor] = block;
            return block;
        }
    }

    private sealed class VendorBlock
    {
        public Dictionary<ushort, (int NameStart, int NameLength, int SubStart, int SubEnd)> Devices { get; } = new();

        // The lines below a device listed more than once, after its first listing.
        public List<(ushort Device, int Start, int End)>? MoreSubsystems { get; private set; }

        // Decoded names by the offset of their text in the file.
        public Dictionary<int, string> Names { get; } = new();

        // The lines of `device` (below its line) run from start to end.
        public void Close(int device, int start, int end)
        {
            if (device < 0)
            {
                return;
            }

            var d = Devices[(ushort)device];
            if (d.SubStart < 0)
            {
                Devices[(ushort)device] = d with { SubStart = start, SubEnd = end };
            }
            else
            {
                (MoreSubsystems ??= []).Add(((ushort)device, start, end));
            }
        }
    }
}
