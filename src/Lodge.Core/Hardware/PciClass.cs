using System.Globalization;

namespace Lodge.Core.Hardware;

/// <summary>The 24-bit PCI class code (base class, subclass, programming interface), e.g. <c>0x030000</c>.</summary>
public readonly record struct PciClass(int Value) : ISpanFormattable
{
    public int BaseClass => (Value >> 16) & 0xff;

    public int SubClass => (Value >> 8) & 0xff;

    public int ProgIf => Value & 0xff;

    /// <summary>Base class and subclass together, e.g. <c>0x0300</c>.</summary>
    public int Code => (Value >> 8) & 0xffff;

    /// <summary>Display controller: VGA (0x0300), XGA (0x0301), 3D (0x0302) or other (0x0380).</summary>
    public bool IsGpu => BaseClass == 0x03;

    public bool IsVga => Code == 0x0300;

    public bool Is3dController => Code == 0x0302;

    public bool IsUsbController => Code == 0x0c03;

    /// <summary>Multimedia audio (0x0401) or HD audio (0x0403).</summary>
    public bool IsAudio => Code is 0x0401 or 0x0403;

    public bool IsNetwork => BaseClass == 0x02;

    public bool IsPciBridge => Code == 0x0604;

    public bool IsHostBridge => Code == 0x0600;

    /// <summary>Parses sysfs text such as <c>0x030000</c>.</summary>
    public static bool TryParse(string? text, out PciClass value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var t = text.AsSpan().Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }

        if (t.Length is 0 or > 6 || !int.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        value = new PciClass(v);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"0x{Value:x6}");

    /// <inheritdoc/>
    /// <remarks>The text of <see cref="ToString"/> (the format is ignored), written in place.</remarks>
    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"0x{Value:x6}", out charsWritten);

    /// <inheritdoc/>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
