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
    private Func<IdsText?>? _usbLoader;

    /// <summary>Creates a database from the text of pci.ids and usb.ids; either may be null.</summary>
    public IdsDatabase(string? pciIds, string? usbIds)
    {
        _pci = pciIds is null ? null : new IdsFile(IdsText.FromBytes(Encoding.UTF8.GetBytes(pciIds)));
        _usb = usbIds is null ? null : new IdsFile(IdsText.FromBytes(Encoding.UTF8.GetBytes(usbIds)));
    }

    /// <summary>Creates a database over pci.ids and a loader of usb.ids, called on the first USB look-up only.</summary>
    /// <remarks>The files stay where they are: one pass indexes the vendors by offset, and a vendor's lines are read again
    /// when it is first asked for; only the names looked up are decoded.</remarks>
    public IdsDatabase(IdsText? pciIds, Func<IdsText?>? usbIds)
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
            _usb = load() is { } text ? new IdsFile(text) : null;
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

    // One line of the file: its bytes (without the line end) and where it starts in the file. Returns false to stop.
    private delegate bool LineAction(ReadOnlySpan<byte> line, long offset);

    private sealed class IdsFile
    {
        // Lines are read through one buffer: a file on disk is never held whole (a mapping would count its touched pages
        // as the process's memory).
        private const int BufferSize = 64 << 10;

        // The longest name read for one entry; a real ids line is under 200 bytes.
        private const int MaxNameBytes = 1024;

        private readonly IdsText _text;
        private readonly byte[] _buffer = new byte[BufferSize];

        // Vendors sorted by id (then by position, so the first listing of an id wins), searched by halving: a flat array
        // of structs instead of a dictionary of tuples (a dictionary of 2,300 vendors and its growth cost ~300 KB).
        private readonly VendorEntry[] _vendors;
        private readonly int _vendorCount;

        // A vendor's devices, read on first use, in the same flat sorted form (Intel lists ~3,000).
        private readonly Dictionary<ushort, (DeviceEntry[] Devices, int Count)> _parsed = new();

        // Decoded names by the position of their text in the file: each decoded once however many functions carry it.
        private readonly Dictionary<long, string> _names = new();

        public IdsFile(IdsText text)
        {
            _text = text;

            // Offsets are kept as int (12- and 20-byte entries): a file of 2 GB or more is no ids file and names nothing.
            (_vendors, _vendorCount) = text.Length < int.MaxValue ? Index(text, _buffer) : ([], 0);
        }

        public string? Vendor(ushort vendor)
        {
            var at = First(_vendors, _vendorCount, vendor);
            return at < 0 ? null : NameAt(_vendors[at].NameStart, _vendors[at].NameLength);
        }

        public string? Device(ushort vendor, ushort device)
        {
            var (devices, count) = Block(vendor);
            var at = First(devices, count, device);
            if (at < 0)
            {
                return null;
            }

            var d = devices[at];
            return NameAt(d.NameStart, (int)Math.Min(d.SubStart - d.NameStart, MaxNameBytes));
        }

        // Subsystems are not indexed: the lines below the device (a few dozen at most) are searched when one is asked for.
        // A device listed twice: the lines below each listing count, the first listing first.
        public string? Subsystem(ushort vendor, ushort device, ushort subVendor, ushort subDevice)
        {
            var (devices, count) = Block(vendor);
            var at = First(devices, count, device);
            if (at < 0)
            {
                return null;
            }

            var end = _vendors[First(_vendors, _vendorCount, vendor)].End;
            for (; at < count && devices[at].Id == device; at++)
            {
                var found = FindSubsystem(devices[at].SubStart, end, subVendor, subDevice);
                if (found.Start >= 0)
                {
                    return NameAt(found.Start, found.Length);
                }
            }

            return null;
        }

        private string NameAt(long start, int length)
        {
            if (!_names.TryGetValue(start, out var name))
            {
                var bytes = _buffer.AsSpan(0, Math.Min(length, _buffer.Length));
                var read = ReadFully(_text, start, bytes);
                name = Name(bytes[..read]);
                _names[start] = name;
            }

            return name;
        }

        // "\t\tSSSS DDDD  name" lines from `start` up to the next device line (or `end`): the first that names the subsystem.
        private (long Start, int Length) FindSubsystem(long start, long end, ushort subVendor, ushort subDevice)
        {
            (long Start, int Length) found = (-1, 0);
            Lines(_text, _buffer, start, end, (line, offset) =>
            {
                if (line.Length >= 1 && line[0] == '\t' && (line.Length < 2 || line[1] != '\t'))
                {
                    return false;
                }

                if (line.Length >= 12 && line[0] == '\t' && line[1] == '\t' && line[6] == ' '
                    && Hex4(line[2..]) == subVendor && Hex4(line[7..]) == subDevice)
                {
                    found = (offset + 2 + 9, line.Length - 11);
                    return false;
                }

                return true;
            });
            return found;
        }

        // Every vendor line, with the range of the lines below it: up to the first class section ("C ").
        private static (VendorEntry[], int) Index(IdsText text, byte[] buffer)
        {
            // pci.ids has about one vendor per 580 bytes, so this size rarely grows there; usb.ids (one per ~120 bytes)
            // grows it a few times, once, on the first USB name.
            var vendors = new VendorEntry[(int)Math.Clamp(text.Length / 512, 16, 1 << 16)];
            var count = 0;
            var current = -1;
            long currentStart = 0;
            long nameStart = 0;
            var nameLength = 0;
            Lines(text, buffer, 0, text.Length, (line, offset) =>
            {
                if (line.Length < 6 || line[0] == '\t' || line[0] == '#')
                {
                    return true;
                }

                if (current >= 0)
                {
                    Add(ref vendors, ref count, new VendorEntry((ushort)current, (int)nameStart, nameLength, (int)currentStart, (int)offset));
                    current = -1;
                }

                if (line[4] == ' ' && Hex4(line) is var id and >= 0)
                {
                    current = id;
                    currentStart = offset + line.Length + 1;
                    nameStart = offset + 4;
                    nameLength = line.Length - 4;
                    return true;
                }

                // Known device classes start at "C "; vendors are over.
                return !(line[0] == 'C' && line[1] == ' ');
            }, keepCarriageReturn: true);
            if (current >= 0)
            {
                Add(ref vendors, ref count, new VendorEntry((ushort)current, (int)nameStart, nameLength, (int)Math.Min(currentStart, text.Length), (int)text.Length));
            }

            Array.Sort(vendors, 0, count);
            return (vendors, count);
        }

        // A vendor's devices, each with where the lines below it (its subsystems) start.
        private (DeviceEntry[] Devices, int Count) Block(ushort vendor)
        {
            if (_parsed.TryGetValue(vendor, out var block))
            {
                return block;
            }

            var at = First(_vendors, _vendorCount, vendor);
            if (at < 0)
            {
                return ([], 0);
            }

            // Two passes over the vendor's lines: one counts its devices, so that the array is allocated once at its size
            // (Intel lists ~3,000; reading its lines again costs less than the garbage of growing).
            var range = _vendors[at];
            var count = 0;
            Lines(_text, _buffer, range.Start, range.End, (raw, offset) =>
            {
                count += IsDeviceLine(raw, out _) ? 1 : 0;
                return true;
            }, keepCarriageReturn: true);
            var devices = new DeviceEntry[count];
            count = 0;
            Lines(_text, _buffer, range.Start, range.End, (raw, offset) =>
            {
                if (IsDeviceLine(raw, out var id) && count < devices.Length)
                {
                    devices[count++] = new DeviceEntry(id, (int)offset + 1 + 4, (int)Math.Min(offset + raw.Length + 1, range.End));
                }

                return true;
            }, keepCarriageReturn: true);
            Array.Sort(devices, 0, count);
            _parsed[vendor] = (devices, count);
            return (devices, count);
        }

        // "\tDDDD  name": a device line of the vendor (one tab; a "\r" before the line end is allowed).
        private static bool IsDeviceLine(ReadOnlySpan<byte> raw, out ushort id)
        {
            var line = raw.Length > 0 && raw[^1] == '\r' ? raw[..^1] : raw;
            var value = line.Length >= 7 && line[0] == '\t' && line[1] != '\t' && line[5] == ' ' ? Hex4(line[1..]) : -1;
            id = (ushort)Math.Max(value, 0);
            return value >= 0;
        }

        private static void Add<T>(ref T[] items, ref int count, T item)
        {
            if (count == items.Length)
            {
                Array.Resize(ref items, items.Length * 2);
            }

            items[count++] = item;
        }

        // The first entry (in file order) with `id`, or -1.
        private static int First<T>(T[] items, int count, ushort id)
            where T : struct, IIdEntry
        {
            int lo = 0, hi = count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (items[mid].Id < id)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo < count && items[lo].Id == id ? lo : -1;
        }
    }

    private interface IIdEntry
    {
        ushort Id { get; }
    }

    // A vendor line: its id, its name's place, and the range of the lines below it. Ordered by id, then by position.
    private readonly record struct VendorEntry(ushort Id, int NameStart, int NameLength, int Start, int End)
        : IIdEntry, IComparable<VendorEntry>
    {
        public int CompareTo(VendorEntry other) => Id != other.Id ? Id.CompareTo(other.Id) : NameStart.CompareTo(other.NameStart);
    }

    // A device line: its id, where its name starts, and where the lines below it start. Ordered by id, then by position.
    private readonly record struct DeviceEntry(ushort Id, int NameStart, int SubStart) : IIdEntry, IComparable<DeviceEntry>
    {
        public int CompareTo(DeviceEntry other) => Id != other.Id ? Id.CompareTo(other.Id) : NameStart.CompareTo(other.NameStart);
    }

    // Calls `action` for each line in [start, end) of `text`, read through `buffer`: the line without its "\n" (and
    // without a "\r" before it unless `keepCarriageReturn`; the offset arithmetic of the vendor index counts it). A line
    // longer than the buffer is no ids line (the longest real one is under 200 bytes): it is skipped whole.
    private static void Lines(IdsText text, byte[] buffer, long start, long end, LineAction action, bool keepCarriageReturn = false)
    {
        var position = start;   // file offset of buffer[0]
        var filled = 0;
        var used = 0;
        var atEnd = false;
        var skipping = false;   // inside a line longer than the buffer
        while (true)
        {
            var pending = buffer.AsSpan(used, filled - used);
            var nl = pending.IndexOf((byte)'\n');
            if (nl < 0 && !atEnd)
            {
                if (used > 0 || filled == buffer.Length)
                {
                    // Keep the partial line (move it to the front), or drop all of an overlong one, and read on.
                    skipping |= used == 0;
                    var keep = skipping ? 0 : pending.Length;
                    pending[..keep].CopyTo(buffer);
                    position += filled - keep;
                    filled = keep;
                    used = 0;
                }

                var want = (int)Math.Min(buffer.Length - filled, end - (position + filled));
                var read = want <= 0 ? 0 : text.Read(position + filled, buffer.AsSpan(filled, want));
                filled += read;
                atEnd = read <= 0 || position + filled >= end;
                continue;
            }

            if (pending.IsEmpty && atEnd)
            {
                return;
            }

            var length = nl < 0 ? pending.Length : nl;
            if (skipping)
            {
                skipping = false;
                used += nl < 0 ? pending.Length : nl + 1;
                continue;
            }

            var line = pending[..length];
            if (!keepCarriageReturn && line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (!action(line, position + used))
            {
                return;
            }

            used += nl < 0 ? pending.Length : nl + 1;
        }
    }

    private static int ReadFully(IdsText text, long offset, Span<byte> into)
    {
        var total = 0;
        while (total < into.Length)
        {
            var read = text.Read(offset + total, into[total..]);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
