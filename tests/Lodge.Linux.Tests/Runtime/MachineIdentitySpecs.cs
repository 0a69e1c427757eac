using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>The machine's SMBIOS UUID is made once, kept in its state folder, and never written when asked not to.</summary>
public sealed class MachineIdentitySpecs
{
    [Fact]
    public void I_get_the_same_UUID_every_time_once_it_is_stored_in_the_state_folder()
    {
        // Arrange
        var state = Path.Combine(Directory.CreateTempSubdirectory("lid-").FullName, "m");

        // Act
        var first = MachineIdentity.Load(state, "m", create: true);
        var again = MachineIdentity.Load(state, "m", create: true);
        var reading = MachineIdentity.Load(state, "m", create: false);

        // Assert
        Assert.True(Guid.TryParse(first, out _));
        Assert.Equal(first, again);
        Assert.Equal(first, reading);
        Assert.Equal(first + "\n", File.ReadAllText(Path.Combine(state, MachineIdentity.FileName)));
        Assert.NotEqual(first, MachineIdentity.Load(Path.Combine(state, "..", "other"), "other", create: true));
    }

    [Fact]
    public void I_get_a_name_derived_UUID_and_no_file_when_nothing_may_be_written()
    {
        // Arrange
        var state = Path.Combine(Directory.CreateTempSubdirectory("lid-").FullName, "m");

        // Act
        var uuid = MachineIdentity.Load(state, "m", create: false);

        // Assert
        Assert.Equal(MachineIdentity.Derived("m"), uuid);
        Assert.Equal('5', uuid[14]);
        Assert.False(Directory.Exists(state));
    }
}
