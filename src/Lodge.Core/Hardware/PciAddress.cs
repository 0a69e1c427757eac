using System.Globalization;

namespace Lodge.Core.Hardware;

/// <summary>A PCI function address, printed the way the kernel names it: <c>0000:01:00.0</c>.</summary>
/// <remarks>
/// Domains are 16 bits on most hosts but Intel VMD exposes 5-digit domains such as <c>10000:e1:00.0</c>
/// (Documentation/ABI/testing/sysfs-bus-pci). Parsing is strict: anything that is not a well-formed
/// address is rejected before it can reach a sysfs path.
/// </remarks>
public readonly record struct PciAddress(int Domain, int Bus, int Device, int Function) : IComparable<PciAddress>, ISpanFormattable
{
    /// <summary>The slot (domain:bus:device) without the function, e.g. <c>0000:01:00</c>.</summary>
    public string Slot => string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}");

    /// <summary>True when both addresses name functions of the same card (same domain:bus:device).</summary>
    public bool IsSameSlot(PciAddress other) => Domain == other.Domain && Bus == other.Bus && Device == other.Device;

    /// <summary>Parses <c>DDDD:BB:DD.F</c> (4 or 5 hex digit domain) or the short form <c>BB:DD.F</c> (domain 0).</summary>
    public static bool TryParse(string? text, out PciAddress address) => TryParse(text.AsSpan(), out address);

    /// <summary><see cref="TryParse(string?, out PciAddress)"/> of characters, without a string.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PciAddress address)
    {
        address = default;
        if (text.IsEmpty || text.Length > 14)
        {
            return false;
        }

        var span = text;
        var domain = 0;
        var firstColon = span.IndexOf(':');
        var lastColon = span.LastIndexOf(':');
        if (firstColon < 0)
        {
            return false;
        }

        if (firstColon != lastColon)
        {
            var domainPart = span[..firstColon];
            if (domainPart.Length is < 4 or > 5 || !TryHex(domainPart, out domain))
            {
                return false;
            }

            span = span[(firstColon + 1)..];
        }

        // span is now BB:DD.F
        if (span.Length != 7 || span[2] != ':' || span[5] != '.')
        {
            return false;
        }

        if (!TryHex(span[..2], out var bus) || !TryHex(span[3..5], out var device) || !TryHex(span[6..], out var function))
        {
            return false;
        }

        if (device > 0x1f || function > 7)
        {
            return false;
        }

        address = new PciAddress(domain, bus, device, function);
        return true;
    }

    /// <summary>Parses an address only in the kernel's own spelling of it (what <see cref="ToString"/> prints: full domain,
    /// lower-case hex), as sysfs names its folders; nothing is allocated.</summary>
    public static bool TryParseKernelName(ReadOnlySpan<char> text, out PciAddress address)
    {
        if (!TryParse(text, out address))
        {
            return false;
        }

        Span<char> printed = stackalloc char[16];
        return address.TryFormat(printed, out var written) && printed[..written].SequenceEqual(text);
    }

    /// <summary>Writes <see cref="ToString"/>'s text into <paramref name="destination"/>.</summary>
    public bool TryFormat(Span<char> destination, out int written) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function:x}", out written);

    /// <inheritdoc/>
    /// <remarks>An address in an interpolated string is written in place, without a string of its own.</remarks>
    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <inheritdoc/>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Parses an address or throws <see cref="FormatException"/> naming the bad text.</summary>
    public static PciAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not a PCI address such as '0000:01:00.0'.");

    private static bool TryHex(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <inheritdoc/>
    public int CompareTo(PciAddress other)
    {
        var c = Domain.CompareTo(other.Domain);
        if (c == 0) c = Bus.CompareTo(other.Bus);
        if (c == 0) c = Device.CompareTo(other.Device);
        return c == 0 ? Function.CompareTo(other.Function) : c;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function:x}");
}
