using Lodge.Core.Hardware;

namespace Lodge.Core.Tests.Hardware;

public sealed class PciConfigDecoderSpecs
{
    // A root port: header type 1, capability list at 0x40 = PCIe (id 0x10) with port type 4, ACS at 0x100 (optional).
    private static byte[] RootPort(bool withAcs, ushort acsCap = 0x1f, ushort acsCtl = 0x1d)
    {
        var c = new byte[4096];
        c[0] = 0x22; c[1] = 0x10; c[2] = 0x83; c[3] = 0x14;
        c[0x06] = 0x10;
        c[0x0b] = 0x06; c[0x0a] = 0x04; c[0x0e] = 0x01;
        c[0x34] = 0x40;
        c[0x40] = 0x10; c[0x41] = 0x00; c[0x42] = 0x42; c[0x43] = 0x00;
        if (withAcs)
        {
            // AER at 0x100 (id 0x0001, next 0x150), then ACS at 0x150
            BitConverter.GetBytes(0x15010001u).CopyTo(c, 0x100);
            BitConverter.GetBytes(0x0001000du).CopyTo(c, 0x150);
            BitConverter.GetBytes(acsCap).CopyTo(c, 0x154);
            BitConverter.GetBytes(acsCtl).CopyTo(c, 0x156);
        }
        else
        {
            BitConverter.GetBytes(0x00010001u).CopyTo(c, 0x100);
        }

        return c;
    }

    [Fact]
    public void I_can_read_the_port_type_and_acs_of_a_root_port()
    {
        // Act
        var info = PciConfigDecoder.Decode(RootPort(withAcs: true));

        // Assert
        Assert.Equal(PciePortType.RootPort, info.PortType);
        Assert.NotNull(info.Acs);
        Assert.Equal(0x1f, info.Acs!.Capabilities);
        Assert.True(info.Acs.IsolationEnabled);
        Assert.False(info.AcsKnownMissing);
    }

    [Fact]
    public void A_root_port_without_acs_is_known_to_lack_it_when_extended_space_was_read()
    {
        // Act
        var info = PciConfigDecoder.Decode(RootPort(withAcs: false));

        // Assert
        Assert.Null(info.Acs);
        Assert.True(info.AcsKnownMissing);
    }

    [Fact]
    public void A_64_byte_config_space_says_nothing_about_acs()
    {
        // Act
        var info = PciConfigDecoder.Decode(RootPort(withAcs: false).AsSpan(0, 64));

        // Assert
        Assert.Null(info.PortType);
        Assert.False(info.ExtendedSpaceReadable);
        Assert.False(info.AcsKnownMissing);
    }

    [Fact]
    public void Acs_with_a_supported_control_switched_off_is_not_isolating()
    {
        // Act (request redirect supported but not enabled)
        var info = PciConfigDecoder.Decode(RootPort(withAcs: true, acsCap: 0x1f, acsCtl: 0x19));

        // Assert
        Assert.False(info.Acs!.IsolationEnabled);
    }

    [Fact]
    public void A_capability_loop_or_garbage_never_hangs_or_throws()
    {
        // Arrange
        var c = RootPort(withAcs: false);
        c[0x40] = 0x05; c[0x41] = 0x40;               // a capability pointing at itself
        BitConverter.GetBytes(0x10000002u).CopyTo(c, 0x100); // extended capability pointing at itself
        var random = new Random(7);
        var garbage = new byte[4096];
        random.NextBytes(garbage);

        // Act + Assert
        Assert.Null(PciConfigDecoder.Decode(c).PortType);
        _ = PciConfigDecoder.Decode(garbage);
    }

    [Fact]
    public void I_can_read_the_ids_from_the_header()
    {
        // Arrange
        var c = new byte[64];
        BitConverter.GetBytes((ushort)0x10de).CopyTo(c, 0);
        BitConverter.GetBytes((ushort)0x2504).CopyTo(c, 2);
        c[0x08] = 0xa1; c[0x0b] = 0x03;
        BitConverter.GetBytes((ushort)0x1462).CopyTo(c, 0x2c);
        BitConverter.GetBytes((ushort)0x397d).CopyTo(c, 0x2e);

        // Act
        var h = PciConfigDecoder.DecodeHeader(c);

        // Assert
        Assert.Equal((ushort)0x10de, h.VendorId);
        Assert.Equal((ushort)0x2504, h.DeviceId);
        Assert.Equal((ushort)0x1462, h.SubsystemVendorId);
        Assert.Equal("0x030000", h.Class.ToString());
        Assert.Equal((byte)0xa1, h.Revision);
    }
}
