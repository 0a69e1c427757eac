using Lodge.Core.Machines;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Machines;

/// <summary>The pure decisions behind issue 10 items 1, 6 and 8, given facts the shell would gather.</summary>
public sealed class MachineSafetySpecs
{
    private static readonly RuntimeLayout Layout = new("/run/lodge/m", "/var/lib/lodge/m");
    private static readonly HashSet<int> Me = [1000];

    private static IReadOnlyList<Problem> Validate(string toml, params PathFacts[] facts)
    {
        var machine = MachineParser.Parse(toml, "m.toml", "m").Machine;
        var byPath = facts.ToDictionary(f => f.Path);
        return MachineSafety.Validate(machine, Layout, p => byPath.TryGetValue(p, out var f) ? f : new PathFacts(p, p, PathKind.Missing), Me);
    }

    [Fact]
    public void A_mounted_cdrom_drive_may_be_read_by_a_guest_but_a_mounted_disk_may_not_be_written()
    {
        // Arrange
        var sr0 = new PathFacts("/dev/sr0", "/dev/sr0", PathKind.Block) { BlockDevice = "sr0", Uses = [new BlockUse("sr0", BlockUseKind.Mounted, "/media/cd")] };

        // Act
        var asCdrom = Validate("os = \"linux\"\n[[disk]]\ncdrom = \"/dev/sr0\"\n", sr0);
        var asDisk = Validate("os = \"linux\"\n[[disk]]\npath = \"/dev/sr0\"\npassthrough = true\n", sr0);

        // Assert
        Assert.Empty(asCdrom);
        Assert.Equal("disk-in-use-by-host", Assert.Single(asDisk).Code);
    }

    [Fact]
    public void A_missing_image_outside_the_state_folder_is_created_there_unless_it_lies_in_a_system_tree()
    {
        // Act
        var mine = Validate("os = \"linux\"\n[[disk]]\npath = \"/srv/vm/new.qcow2\"\nsize = \"8G\"\n");
        var boot = Validate("os = \"linux\"\n[[disk]]\npath = \"/boot/new.qcow2\"\nsize = \"8G\"\n");

        // Assert
        Assert.Empty(mine);
        Assert.Equal("disk-system-file", Assert.Single(boot).Code);
    }

    [Fact]
    public void A_file_in_the_state_folder_is_the_machines_own_whoever_owns_it()
    {
        // Act
        var problems = Validate("os = \"linux\"\n[[disk]]\npath = \"system.qcow2\"\n", new PathFacts("/var/lib/lodge/m/system.qcow2", "/var/lib/lodge/m/system.qcow2", PathKind.File) { OwnerUid = 0 });

        // Assert
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("win11", "/run/lodge", true)]
    [InlineData("../evil", "/run/lodge", false)]
    [InlineData("-rf", "/run/lodge", false)]
    [InlineData("a.b_c-d", "/run/lodge", true)]
    [InlineData("abcdefgh", "86", true)]
    [InlineData("abcdefghi", "86", false)]
    public void A_machine_name_is_checked_by_one_rule_that_knows_the_run_folder(string name, string runRoot, bool valid)
    {
        // Arrange: a number stands for a run folder of that many bytes; 86 + "/" + 8 + "/serial.sock" is exactly 107.
        if (int.TryParse(runRoot, out var length))
        {
            runRoot = "/tmp/" + new string('r', length - 5);
        }

        // Act
        var problem = MachineName.Check(name, runRoot);

        // Assert
        Assert.Equal(valid, problem is null);
    }

    [Theory]
    [InlineData("plain note", "plain note")]
    [InlineData("clear\u001b[2Jscreen", "clear\\x1b[2Jscreen")]
    [InlineData("evil\u202etxt.exe", "evil\\u202etxt.exe")]
    [InlineData("c1\u009bcsi", "c1\\x9bcsi")]
    [InlineData("isolate\u2066x\u2069", "isolate\\u2066x\\u2069")]
    public void Text_printed_back_to_a_terminal_has_its_controls_escaped(string text, string shown)
    {
        // Act & Assert
        Assert.Equal(shown, TerminalText.Escape(text));
    }
}
