namespace Lodge.Core.Setup;

/// <summary>What <c>lodge setup</c> would do: file changes, then commands. Built by <see cref="SetupPlanner"/>; pure data.</summary>
/// <remarks>
/// The shell writes <see cref="Changes"/> all or nothing, then runs <see cref="Regenerate"/> (initramfs and boot
/// loader configuration, run again after a revert) and then <see cref="BootCommands"/> (the trial boot, run once).
/// When <see cref="Error"/> is set nothing may be written; the changes are still listed so the user sees them.
/// </remarks>
public sealed record SetupPlan
{
    public SetupPhase Phase { get; init; } = SetupPhase.Apply;

    /// <summary>The files to write, in path order; only files whose text changes.</summary>
    public IReadOnlyList<FileChange> Changes { get; init; } = [];

    /// <summary>Commands that rebuild what the files feed (initramfs, grub.cfg, kernel-install); also run after a revert.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Regenerate { get; init; } = [];

    /// <summary>Commands run once after <see cref="Regenerate"/>: the one-shot trial boot, or kernelstub on confirm.</summary>
    public IReadOnlyList<IReadOnlyList<string>> BootCommands { get; init; } = [];

    /// <summary>Commands a revert runs before restoring the files (such as disabling a unit this apply enabled).</summary>
    public IReadOnlyList<IReadOnlyList<string>> UndoCommands { get; init; } = [];

    /// <summary>Files that <see cref="BootCommands"/> rewrite themselves (kernelstub); the shell backs them up too.</summary>
    public IReadOnlyList<string> CommandTouchedPaths { get; init; } = [];

    /// <summary>Files that commands built (the trial initramfs) which this plan deletes; the shell backs them up first.</summary>
    public IReadOnlyList<string> DeletePaths { get; init; } = [];

    /// <summary>True when the plan sets up a one-shot trial entry (its command line, and its own initramfs when early
    /// binding changes); the default entry boots what it booted before until <c>lodge setup --confirm</c>.</summary>
    public bool TrialBoot { get; init; }

    /// <summary>Sentences the user needs besides the diffs (such as why a boot loader gets no trial entry).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Kernel parameters the command line gains (empty when it already has them).</summary>
    public IReadOnlyList<string> KernelParameters { get; init; } = [];

    /// <summary>Why nothing may be written, or null.</summary>
    public SetupError? Error { get; init; }

    /// <summary>True when there is nothing to write and nothing to run.</summary>
    public bool IsEmpty => Changes.Count == 0 && BootCommands.Count == 0;
}
