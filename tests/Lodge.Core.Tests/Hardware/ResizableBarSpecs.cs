using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Tests.Hardware;

// Issue 13 item 9: Resizable BAR on is a known black-screen cause; the handoff plan warns and says how to turn it off or size it.
public sealed class ResizableBarSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:03:00.0");

    // A PCIe endpoint (a Navi 21 card) with the Resizable BAR capability at 0x100 and BAR 0 set to 2^sizeBits MiB.
    private static byte[] Endpoint(int? sizeBits)
    {
        var c = new byte[4096];
        c[0] = 0x02; c[1] = 0x10; c[2] = 0xbf; c[3] = 0x73;
        c[0x06] = 0x10;
        c[0x0b] = 0x03;
        c[0x34] = 0x40;
        c[0x40] = 0x10; c[0x41] = 0x00; c[0x42] = 0x02; c[0x43] = 0x00;
        if (sizeBits is { } bits)
        {
            BitConverter.GetBytes(0x00010015u).CopyTo(c, 0x100);
            BitConverter.GetBytes(0x0003fff0u).CopyTo(c, 0x104);
            BitConverter.GetBytes((uint)((bits << 8) | (1 << 5))).CopyTo(c, 0x108);
        }
        else
        {
            BitConverter.GetBytes(0x00010001u).CopyTo(c, 0x100);
        }

        return c;
    }

    [Theory]
    [InlineData(14, 16384L)]
    [InlineData(8, 256L)]
    public void I_can_read_the_current_size_of_a_resizable_BAR_from_the_config_space(int bits, long mib)
    {
        // Act
        var info = PciConfigDecoder.Decode(Endpoint(bits));

        // Assert
        Assert.Equal(mib, info.ResizableBarMiB);
    }

    [Fact]
    public void A_device_without_the_capability_or_with_64_bytes_of_config_has_no_resizable_BAR()
    {
        // Act and assert
        Assert.Null(PciConfigDecoder.Decode(Endpoint(null)).ResizableBarMiB);
        Assert.Null(PciConfigDecoder.Decode(Endpoint(14).AsSpan(0, 64)).ResizableBarMiB);
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(8, false)]
    public void I_can_plan_a_handoff_of_a_card_with_Resizable_BAR_on_and_get_told_to_turn_it_off_or_size_it(int bits, bool warned)
    {
        // Arrange
        var host = new HostSnapshot
        {
            PciDevices =
            [
                new PciDevice
                {
                    Address = Gpu, VendorId = 0x1002, DeviceId = 0x73bf, Class = new PciClass(0x030000), Driver = "amdgpu", BootVga = true,
                    Config = PciConfigDecoder.Decode(Endpoint(bits)),
                },
            ],
        };

        // Act
        var plan = HandoffPlanner.Plan(host, new HandoffRequest("guest", Gpu, GpuMode.Handoff, [], false));

        // Assert
        var warning = plan.Warnings.SingleOrDefault(w => w.Contains("Resizable BAR", StringComparison.Ordinal));
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Equal("'0000:03:00.0' has Resizable BAR on (BAR of 16 GiB), a known cause of a black screen in the guest (above all on RDNA2 cards). Turn Resizable BAR off in the firmware setup, or shrink the BAR before the handoff with 'echo 8 > /sys/bus/pci/devices/0000:03:00.0/resource0_resize' (256 MiB, kernel 6.1 or later; the guest then sees the classic size).", warning);
        }
    }
}
