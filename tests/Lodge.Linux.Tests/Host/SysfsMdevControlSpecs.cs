using Lodge.Core.Runtime;
using Lodge.Linux.Host;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Host;

public sealed class SysfsMdevControlSpecs
{
    private const string Uuid = "8b9c2f1e-7a4d-5e3b-9c1a-2d4e6f8a0b1c";

    [Fact(Timeout = 15000)]
    public async Task I_can_create_a_gvt_g_slice_by_writing_its_uuid_to_the_types_create_file()
    {
        // Arrange
        using var tree = new TreeCopy();
        var create = Path.Combine(tree.Root, "sys/bus/pci/devices/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/create");
        Directory.CreateDirectory(Path.GetDirectoryName(create)!);
        File.WriteAllText(create, "");
        var control = new SysfsMdevControl(new HostRoot(tree.Root));

        // Act
        await control.CreateAsync(new MdevSpec("0000:00:02.0", "i915-GVTg_V5_4", Uuid), TimeSpan.FromSeconds(5));

        // Assert
        Assert.Equal(Uuid + "\n", File.ReadAllText(create));
    }

    [Theory]
    [InlineData("0000:00:02.0/../..", "i915-GVTg_V5_4", Uuid)]
    [InlineData("0000:00:02.0", "../../../../etc", Uuid)]
    [InlineData("0000:00:02.0", "i915-GVTg_V5_4", "not-a-uuid")]
    public async Task I_can_try_to_create_a_slice_from_unchecked_parts_and_get_refused_before_any_path_is_built(string parent, string type, string uuid)
    {
        // Arrange
        using var tree = new TreeCopy();
        var control = new SysfsMdevControl(new HostRoot(tree.Root));

        // Act + Assert
        await Assert.ThrowsAsync<ArgumentException>(() => control.CreateAsync(new MdevSpec(parent, type, uuid), TimeSpan.FromSeconds(5)));
    }
}
