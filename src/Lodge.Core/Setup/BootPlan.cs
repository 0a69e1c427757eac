using Lodge.Core.Hardware;

namespace Lodge.Core.Setup;

/// <summary>The state one <see cref="SetupPlanner.Plan"/> call builds up for the boot half: the deferred shared files, the
/// trial, and the commands.</summary>
internal sealed class BootPlan(SetupChangeSet set, HostSnapshot host, SetupNeeds needs, SetupPhase phase, IReadOnlyList<string> kernelImages)
{
    public SetupChangeSet Set { get; } = set;

    public HostSnapshot Host { get; } = host;

    public BootInfo Info => Host.Boot;

    public SetupNeeds Needs { get; } = needs;

    public SetupPhase Phase { get; } = phase;

    /// <summary>The kernel images in /boot (host view).</summary>
    public IReadOnlyList<string> KernelImages { get; } = kernelImages;

    public InitramfsBuilder Builder { get; } = SetupPlanner.BuilderOf(set);

    /// <summary>Shared files that change every entry's boot, with their new text and reasons; at apply they wait for --confirm.</summary>
    public Dictionary<string, (string? After, IReadOnlyList<SetupReason> Reasons)> Deferred { get; } = new(StringComparer.Ordinal);

    public List<IReadOnlyList<string>> Regenerate { get; } = [];

    public List<IReadOnlyList<string>> Boot { get; } = [];

    public List<IReadOnlyList<string>> Undo { get; } = [];

    public List<string> Touched { get; } = [];

    public List<string> Deletes { get; } = [];

    public List<string> Notes { get; } = [];

    public bool TrialBoot { get; set; }
}
