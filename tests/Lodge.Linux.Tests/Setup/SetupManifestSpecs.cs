using Lodge.Core.Setup;
using Lodge.Linux.Setup;

namespace Lodge.Linux.Tests.Setup;

public sealed class SetupManifestSpecs
{
    [Fact]
    public void A_manifest_reads_back_exactly_as_it_was_written()
    {
        // Arrange
        var manifest = new SetupManifest("20261127-120000", SetupPhase.Confirm, ["win11", "mac"])
        {
            Files =
            [
                new("/etc/default/grub", true, (UnixFileMode)Convert.ToInt32("644", 8), "aa", "bb"),
                new("/etc/grub.d/42_lodge_trial", false, (UnixFileMode)Convert.ToInt32("755", 8), null, "cc"),
                new("/etc/kernelstub/configuration", true, (UnixFileMode)Convert.ToInt32("600", 8), "dd", null, Touched: true),
            ],
            CreatedDirectories = ["/etc/dracut.conf.d"],
            Regenerate = [["update-initramfs", "-u"], ["grub2-mkconfig", "-o", "/boot/grub2/grub.cfg"]],
            Undo = [["systemctl", "disable", "lodge-rescue.service"]],
            Reverted = "2026-11-27T12:30:00Z",
        };

        // Act
        var text = manifest.Format();
        var parsed = SetupManifest.Parse(text, "/var/lib/lodge/setup/20261127-120000/manifest");

        // Assert
        Assert.Equal(text, parsed.Format());
        Assert.Equal(manifest.Files, parsed.Files);
        Assert.Equal(SetupPhase.Confirm, parsed.Phase);
        Assert.Equal("2026-11-27T12:30:00Z", parsed.Reverted);
    }

    [Fact]
    public void A_file_that_is_not_a_manifest_is_a_clear_error()
    {
        // Act
        var e = Assert.Throws<SetupException>(() => SetupManifest.Parse("hello\n", "/var/lib/lodge/setup/x/manifest"));

        // Assert
        Assert.Equal("'/var/lib/lodge/setup/x/manifest' is not a Lodge setup manifest.", e.Message);
    }
}
