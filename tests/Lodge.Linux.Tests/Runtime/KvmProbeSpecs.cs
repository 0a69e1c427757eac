using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>The KVM probe's test guest really runs: under TCG, QEMU exits with the payload's marker.</summary>
public sealed class KvmProbeSpecs
{
    private static string? Qemu() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "qemu-system-x86_64")).FirstOrDefault(File.Exists);

    [Fact]
    public void The_payload_is_a_64_kib_firmware_image_with_a_far_jump_at_the_reset_vector()
    {
        var image = KvmProbePayload.Image();
        Assert.Equal(65536, image.Length);
        Assert.Equal(new byte[] { 0xea, 0x00, 0x00, 0x00, 0xf0 }, image[^16..^11]);
        Assert.Equal(0xfa, image[0]); // cli: the code starts at F000:0000
    }

    [Fact(Timeout = 60000)]
    public async Task The_test_guest_reaches_64_bit_mode_and_writes_its_marker_under_tcg()
    {
        // Arrange: the same probe, with TCG (which runs everywhere) instead of KVM
        var qemu = Qemu() ?? throw new InvalidOperationException("qemu-system-x86_64 is not on PATH; the test command installs qemu-system-x86.");

        // Act
        var answer = await Task.Run(() => KvmProbe.Check(qemu, accelerator: "tcg"));

        // Assert
        Assert.Equal("ok", answer);
    }
}
