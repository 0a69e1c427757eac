using System.Text;
using Lodge.Core.Privacy;

namespace Lodge.Core.Tests.Privacy;

public sealed class PrivacyFilterSpecs
{
    [Fact]
    public void Uuids_macs_uniq_lines_home_paths_and_secrets_are_removed_from_text()
    {
        // Arrange
        var filter = new PrivacyFilter(["myhost", "0A01B0E5AE6838A5"]);
        var text = "BOOT_IMAGE=/vmlinuz root=UUID=3f1b2c4d-1111-2222-3333-444455556666 ro\nU: Uniq=a4:c3:f0:11:22:33\nS: x 12:34:56:78:9a:bc y\nmyhost /home/alice/.config usb-Corsair_0A01B0E5AE6838A5-event-kbd\n";

        // Act
        var scrubbed = filter.ScrubText(text);

        // Assert
        Assert.DoesNotContain("3f1b2c4d", scrubbed);
        Assert.DoesNotContain("a4:c3:f0", scrubbed);
        Assert.DoesNotContain("12:34:56:78:9a:bc", scrubbed);
        Assert.DoesNotContain("myhost", scrubbed);
        Assert.DoesNotContain("alice", scrubbed);
        Assert.DoesNotContain("0A01B0E5AE6838A5", scrubbed);
        Assert.Contains("root=UUID=00000000-0000-0000-0000-000000000000", scrubbed);
    }

    [Fact]
    public void Disk_names_in_a_kernel_command_line_lose_their_model_serial_and_label()
    {
        // Arrange
        var filter = new PrivacyFilter([]);
        var text = "root=/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R123456A-part2 resume=/dev/disk/by-partuuid/1234abcd-02 data=/dev/disk/by-label/alice-home,x";

        // Act
        var scrubbed = filter.ScrubText(text);

        // Assert
        Assert.Equal("root=/dev/disk/by-id/REDACTED resume=/dev/disk/by-partuuid/REDACTED data=/dev/disk/by-label/REDACTED,x", scrubbed);
    }

    [Fact]
    public void Free_text_notes_lose_serial_looking_and_user_name_looking_words_and_keep_the_rest()
    {
        // Arrange
        var filter = new PrivacyFilter([]);
        var note = "Black screen on RX 6700 XT (0000:06:00.0, 1002:73df) in user space; disk WD-WCC6Y3KX1234, login=frank, ask grace@example.org, see ~heidi/notes";

        // Act
        var scrubbed = filter.ScrubNote(note);

        // Assert
        Assert.Equal("Black screen on RX 6700 XT (0000:06:00.0, 1002:73df) in user space; disk REDACTED, login=REDACTED, ask REDACTED@REDACTED, see ~REDACTED/notes", scrubbed);
    }

    [Fact]
    public void Pci_addresses_and_ids_survive_the_filter()
    {
        // Arrange
        var filter = new PrivacyFilter([]);
        const string text = "0000:01:00.0 0x10de 10000:e1:00.0 S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0\n";

        // Act + Assert
        Assert.Equal(text, filter.ScrubText(text));
    }

    [Fact]
    public void Binary_content_is_kept_as_it_is_and_identity_files_are_dropped()
    {
        // Arrange
        var filter = new PrivacyFilter(["abcd"]);
        var binary = new byte[] { 0x10, 0xde, 0x00, 0x61, 0x62, 0x63, 0x64 };

        // Act + Assert
        Assert.Same(binary, filter.ScrubContent(binary));
        Assert.True(PrivacyFilter.ShouldDrop("/sys/class/dmi/id/product_serial"));
        Assert.True(PrivacyFilter.ShouldDrop("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/serial"));
        Assert.False(PrivacyFilter.ShouldDrop("/sys/bus/pci/devices/0000:01:00.0/vendor"));
        Assert.Equal("x REDACTED y", Encoding.UTF8.GetString(filter.ScrubContent(Encoding.UTF8.GetBytes("x abcd y"))));
    }
}
