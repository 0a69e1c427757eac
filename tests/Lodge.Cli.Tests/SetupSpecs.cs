using Lodge.Linux.Simulation;
using Lodge.Cli.Commands;
using Lodge.Testing;
using Lodge.Testing.Processes;

namespace Lodge.Cli.Tests;

/// <summary><c>lodge setup</c> on fixture trees of four distributions; commands go to a runner that records them and builds
/// the initramfs images as the real tools do (<see cref="SimulatedBootTools"/>).</summary>
/// <remarks>Each test hands its runner to the composition root (<see cref="Lodge.App.LodgeOptions.Runner"/>).</remarks>
public sealed partial class SetupSpecs
{
    private readonly SimulatedBootTools _runner = new();

    public static TheoryData<string> Distros => new() { "debian", "fedora", "arch", "pop", "proxmox" };

    private CliResult Setup(TreeCopy tree, string distro, params string[] args) =>
        CliRun.RunWith(CliRun.Options with { Runner = _runner }, ["setup", "--root", tree.Root, "--config-dir", SetupTrees.Machines(distro), .. args]);

    [Theory]
    [MemberData(nameof(Distros))]
    public void I_can_see_the_changes_as_a_diff_per_file_with_the_commands_and_nothing_is_written(string distro)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        var before = SetupTrees.Snapshot(tree.Root, includeBackups: true);

        // Act
        var result = Setup(tree, distro);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Golden.Match(SetupTrees.GoldenPath($"{distro}.plan.txt"), result.Out);
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root, includeBackups: true));
        Assert.Empty(_runner.Commands);
    }

    [Theory]
    [MemberData(nameof(Distros))]
    public void I_can_apply_and_then_revert_and_get_a_byte_identical_tree(string distro)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        var before = SetupTrees.Snapshot(tree.Root);

        // Act
        var applied = Setup(tree, distro, "--apply");
        var afterApply = SetupTrees.Snapshot(tree.Root);
        var applyCommands = _runner.Commands.Count;
        var reverted = Setup(tree, distro, "--revert");
        var transcript = string.Concat(_runner.Commands.Select((c, i) => (i == applyCommands ? "# revert\n" : "") + RecordingProcessRunner.Line(c) + "\n"));

        // Assert
        Assert.Equal(0, applied.ExitCode);
        Assert.Equal(0, reverted.ExitCode);
        Assert.NotEqual(before, afterApply);
        Golden.Match(SetupTrees.GoldenPath($"{distro}.apply.commands"), SetupTrees.Portable(transcript, tree));
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root));
    }

    [Theory]
    [MemberData(nameof(Distros))]
    public void I_can_apply_twice_and_get_the_same_tree_as_applying_once(string distro)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        Setup(tree, distro, "--apply");
        var once = SetupTrees.Snapshot(tree.Root, includeBackups: true);
        var commands = _runner.Commands.Count;

        // Act
        var again = Setup(tree, distro, "--apply");

        // Assert
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("The host already has everything these machines need.", again.Out, StringComparison.Ordinal);
        Assert.Equal(commands, _runner.Commands.Count);
        SetupTrees.AssertSame(once, SetupTrees.Snapshot(tree.Root, includeBackups: true));
    }

    [Theory]
    [MemberData(nameof(Distros))]
    public void I_can_confirm_a_trial_boot_and_revert_both_steps_back_to_the_original_tree(string distro)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        var before = SetupTrees.Snapshot(tree.Root);
        Setup(tree, distro, "--apply");
        var applyCommands = _runner.Commands.Count;

        // Act
        var confirmed = Setup(tree, distro, "--confirm");
        var confirmCommands = string.Concat(_runner.Commands.Skip(applyCommands).Select(c => RecordingProcessRunner.Line(c) + "\n"));
        var afterConfirm = Setup(tree, distro);
        var list = Setup(tree, distro, "--list");
        Setup(tree, distro, "--revert");
        Setup(tree, distro, "--revert");

        // Assert
        Assert.Equal(0, confirmed.ExitCode);
        Golden.Match(SetupTrees.GoldenPath($"{distro}.confirm.txt"), SetupTrees.Portable(confirmed.Out, tree));
        Golden.Match(SetupTrees.GoldenPath($"{distro}.confirm.commands"), SetupTrees.Portable(confirmCommands, tree));
        if (distro != "pop")
        {
            // kernelstub rewrites the Pop!_OS entries itself, and the recording runner does not run it.
            Assert.Contains("The host already has everything these machines need.", afterConfirm.Out, StringComparison.Ordinal);
        }

        Assert.Matches(@"(?m)^20261127-120000-2 +confirm +\d+  applied", list.Out);
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root));
    }
}
