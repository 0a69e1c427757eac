using Lodge.Core.Setup;
using Lodge.Testing;

namespace Lodge.Core.Tests.Setup;

public sealed class RescueUnitSpecs
{
    private static IEnumerable<string> Directives(string unit) =>
        unit.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Fact]
    public void The_unit_setup_installs_is_the_unit_shipped_in_dist()
    {
        // Arrange
        var shipped = File.ReadAllText(Path.Combine(RepoPaths.Root, "dist", "systemd", "lodge-rescue.service"));

        // Act + Assert
        Assert.Equal(Directives(shipped), Directives(SetupPlanner.RescueUnitText));
    }
}
