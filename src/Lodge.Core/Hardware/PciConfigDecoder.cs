using System.Buffers.Binary;

namespace Lodge.Core.Hardware;

/// <summary>Decodes the parts of a PCI configuration space that Lodge needs: the PCIe port type and ACS.</summary>
/// <remarks>
/// Layout per the PCI Local Bus and PCIe base specs: status register at 0x06 (bit 4: capability list), capability
/// pointer at 0x34, capabilities as (id, next) byte pairs; the PCI Express capability has id 0x10 and its port type
/// in bits 7:4 of the word at +2. Extended capabilities start at 0x100 as 32-bit headers (id 15:0, version 19:16,
/// next 31:20); ACS is id 0x000D with its capability word at +4 and control word at +6.
/// A 64-byte (unprivileged or synthesized) config space has no readable capabilities past the header.
/// </remarks>
public static class PciConfigDecoder
{
    private const int CapabilityListBit = 0x10;
    private const byte PcieCapabilityId = 0x10;
    private const ushort AcsExtendedCapabilityId = 0x000d;
    private const ushort ResizableBarCapabilityId = 0x0015;

    /// <summary>Decodes a config space dump.</summary>
    public static PciConfigInfo Decode(ReadOnlySpan<byte> config)
    {
        var portType = FindPortType(config);
        var extended = config.Length >= 0x104 && portType is not null;
        AcsCapability? acs = extended ? FindAcs(config) : null;
        return new PciConfigInfo(config.Length, portType, acs, extended) { ResizableBarMiB = extended ? FindResizableBar(config) : null };
    }

    /// <summary>Reads the ids from the standard header; zero and all-ones ids count as absent.</summary>
    public static PciConfigHeader DecodeHeader(ReadOnlySpan<byte> config)
    {
        static ushort? Id(ushort v) => v is 0 or 0xffff ? null : v;
        var vendor = Id(BinaryPrimitives.ReadUInt16LittleEndian(config));
        if (vendor is null)
        {
            return new PciConfigHeader(null, null, null, null, null, null);
        }

        var isType0 = (config[0x0e] & 0x7f) == 0;
        return new PciConfigHeader(
            vendor,
            Id(BinaryPrimitives.ReadUInt16LittleEndian(config[0x02..])),
            isType0 ? Id(BinaryPrimitives.ReadUInt16LittleEndian(config[0x2c..])) : null,
            isType0 ? Id(BinaryPrimitives.ReadUInt16LittleEndian(config[0x2e..])) : null,
            new PciClass((config[0x0b] << 16) | (config[0x0a] << 8) | config[0x09]),
            config[0x08]);
    }

    /// <summary>True when the expansion ROM base address register (0x30 for type-0 headers, 0x38 for bridges) is set.</summary>
    public static bool HasRomBar(ReadOnlySpan<byte> config)
    {
        if (config.Length < 0x3c)
        {
            return false;
        }

        var headerType = config[0x0e] & 0x7f;
        var offset = headerType == 1 ? 0x38 : 0x30;
        return (BinaryPrimitives.ReadUInt32LittleEndian(config[offset..]) & 0xfffff800) != 0;
    }

    private static PciePortType? FindPortType(ReadOnlySpan<byte> config)
    {
        if (config.Length < 0x40)
        {
            return null;
        }

        var status = BinaryPrimitives.ReadUInt16LittleEndian(config[0x06..]);
        if ((status & CapabilityListBit) == 0)
        {
            return null;
        }

        int pointer = config[0x34] & 0xfc;
        for (var hops = 0; hops < 48 && pointer >= 0x40 && pointer + 4 <= config.Length; hops++)
        {
            var id = config[pointer];
            if (id == PcieCapabilityId)
            {
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(config[(pointer + 2)..]);
                var type = (flags >> 4) & 0xf;
                return Enum.IsDefined((PciePortType)type) ? (PciePortType)type : null;
            }

            pointer = config[pointer + 1] & 0xfc;
        }

        return null;
    }

    // Resizable BAR (PCIe base spec 7.8.6): after the 32-bit header, one (capability, control) pair of 32-bit words per
    // resizable BAR; the first control word's bits 13:8 hold the BAR's current size as a power of two in MiB (0 = 1 MiB,
    // 8 = 256 MiB, 14 = 16 GiB).
    private static long? FindResizableBar(ReadOnlySpan<byte> config)
    {
        var offset = FindExtended(config, ResizableBarCapabilityId);
        if (offset is not { } at || at + 12 > config.Length)
        {
            return null;
        }

        var control = BinaryPrimitives.ReadUInt32LittleEndian(config[(at + 8)..]);
        return 1L << (int)((control >> 8) & 0x3f);
    }

    private static int? FindExtended(ReadOnlySpan<byte> config, ushort id)
    {
        var offset = 0x100;
        for (var hops = 0; hops < 480 && offset >= 0x100 && offset + 8 <= config.Length; hops++)
        {
            var header = BinaryPrimitives.ReadUInt32LittleEndian(config[offset..]);
            if (header is 0 or 0xffffffff)
            {
                return null;
            }

            if ((header & 0xffff) == id)
            {
                return offset;
            }

            offset = (int)((header >> 20) & 0xffc);
        }

        return null;
    }

    private static AcsCapability? FindAcs(ReadOnlySpan<byte> config)
    {
        var offset = 0x100;
        for (var hops = 0; hops < 480 && offset >= 0x100 && offset + 8 <= config.Length; hops++)
        {
            var header = BinaryPrimitives.ReadUInt32LittleEndian(config[offset..]);
            if (header is 0 or 0xffffffff)
            {
                return null;
            }

            if ((header & 0xffff) == AcsExtendedCapabilityId)
            {
                return new AcsCapability(
                    BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 4)..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 6)..]));
            }

            offset = (int)((header >> 20) & 0xffc);
        }

        return null;
    }
}
