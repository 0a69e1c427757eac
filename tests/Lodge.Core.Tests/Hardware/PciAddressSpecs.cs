using FsCheck;
using FsCheck.Xunit;
using Lodge.Core.Hardware;

namespace Lodge.Core.Tests.Hardware;

public sealed class PciAddressSpecs
{
    [Theory]
    [InlineData("0000:01:00.0", 0, 1, 0, 0)]
    [InlineData("0000:0a:1f.7", 0, 0x0a, 0x1f, 7)]
    [InlineData("10000:e1:00.0", 0x10000, 0xe1, 0, 0)]
    [InlineData("01:00.1", 0, 1, 0, 1)]
    public void I_can_parse_a_pci_address_including_five_digit_domains(string text, int domain, int bus, int device, int function)
    {
        // Act
        var ok = PciAddress.TryParse(text, out var address);

        // Assert
        Assert.True(ok);
        Assert.Equal(new PciAddress(domain, bus, device, function), address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0000:01:00")]
    [InlineData("0000:01:20.0")]
    [InlineData("0000:01:00.8")]
    [InlineData("../../../etc/passwd")]
    [InlineData("0000:01:00.0/../../x")]
    [InlineData("000:01:00.0")]
    [InlineData("0000:1:00.0")]
    [InlineData("0000:01:00.0 ")]
    [InlineData("g000:01:00.0")]
    public void I_can_try_to_parse_a_malformed_address_and_get_a_refusal(string text)
    {
        // Act
        var ok = PciAddress.TryParse(text, out _);

        // Assert
        Assert.False(ok);
    }

    [Property]
    public bool Printing_and_parsing_an_address_round_trips(byte bus, byte device, byte function, ushort domain)
    {
        var address = new PciAddress(domain, bus, device & 0x1f, function & 7);
        return PciAddress.TryParse(address.ToString(), out var parsed) && parsed == address;
    }

    [Fact]
    public void Functions_of_one_card_share_a_slot_and_other_cards_do_not()
    {
        // Arrange
        var gpu = PciAddress.Parse("0000:01:00.0");

        // Act + Assert
        Assert.True(gpu.IsSameSlot(PciAddress.Parse("0000:01:00.1")));
        Assert.False(gpu.IsSameSlot(PciAddress.Parse("0000:01:01.0")));
        Assert.False(gpu.IsSameSlot(PciAddress.Parse("0001:01:00.1")));
    }

    [Theory]
    [InlineData("0000:01:00.0", true)]
    [InlineData("10000:e1:00.0", true)]
    [InlineData("01:00.0", false)]
    [InlineData("0000:0A:00.0", false)]
    [InlineData("00000:01:00.0", false)]
    [InlineData("0000:01:00.0x", false)]
    [InlineData("pci0000:00", false)]
    public void Only_the_kernels_own_spelling_of_an_address_names_a_sysfs_folder(string text, bool kernelName)
    {
        // Act
        var ok = PciAddress.TryParseKernelName(text.AsSpan(), out var address);

        // Assert: the same answer as printing the parsed address and comparing it with the text
        Assert.Equal(kernelName, ok);
        Assert.Equal(PciAddress.TryParse(text, out var parsed) && parsed.ToString() == text, ok);
        if (ok)
        {
            Assert.Equal(text, address.ToString());
        }
    }

    [Property]
    public bool Every_printed_address_is_a_kernel_name(byte bus, byte device, byte function, ushort domain)
    {
        var address = new PciAddress(domain, bus, device & 0x1f, function & 7);
        return PciAddress.TryParseKernelName(address.ToString(), out var parsed) && parsed == address;
    }
}
