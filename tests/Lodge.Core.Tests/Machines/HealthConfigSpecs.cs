using Lodge.Core.Machines;

namespace Lodge.Core.Tests.Machines;

public sealed class HealthConfigSpecs
{
    [Fact]
    public void I_can_give_a_health_command_as_an_argv_list_and_a_deadline()
    {
        // Act
        var result = MachineParser.Parse("os = \"windows11\"\n[health]\ncommand = [\"ssh\", \"win11\", \"exit\"]\nwithin = 300\n", "/m/win11.toml", "win11");

        // Assert
        Assert.Empty(result.Problems);
        Assert.Equal(["ssh", "win11", "exit"], result.Machine.Health.Command);
        Assert.Equal(300, result.Machine.Health.WithinSeconds);
    }

    [Fact]
    public void Without_a_health_table_qmp_running_is_enough_within_two_minutes()
    {
        var machine = MachineParser.Parse("os = \"linux\"\n", "/m/l.toml", "l").Machine;
        Assert.Null(machine.Health.Command);
        Assert.Equal(120, machine.Health.WithinSeconds);
    }

    [Fact]
    public void A_shell_string_command_or_a_deadline_out_of_range_names_its_place()
    {
        // Act
        var problems = MachineParser.Parse("[health]\ncommand = \"ssh win11 exit\"\nwithin = 2\n", "/m/x.toml", "x").Problems;

        // Assert
        Assert.Contains(problems, p => p.Location.Line == 2);
        Assert.Contains(problems, p => p.Location.Line == 3);
    }
}
