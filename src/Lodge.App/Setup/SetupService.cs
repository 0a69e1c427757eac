using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.Core;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Setup;
using Lodge.Linux.Setup;

namespace Lodge.App.Setup;

/// <summary>Host setup: what the machines need (kernel parameters, modules, initramfs) as a plan, its apply, confirm and
/// revert, and the past applies. Every write goes below the host root; backups go to <see cref="LodgePaths.SetupBackups"/>.</summary>
public sealed class SetupService
{
    private readonly LodgeHost _lodge;
    private readonly SetupExecutor _executor;

    /// <summary>Setup of <paramref name="lodge"/>'s host; <paramref name="log"/> gets one line per command run.</summary>
    public SetupService(LodgeHost lodge, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
        _executor = new SetupExecutor(lodge.Root.Path, lodge.Time, log, lodge.Runner, lodge.Paths.SetupBackups);
    }

    /// <summary>Where the backups of an apply go (host view).</summary>
    public string BackupDirectory => _executor.BackupDirectory;

    /// <summary>The past applies.</summary>
    public IReadOnlyList<SetupManifest> List() => _executor.List();

    /// <summary>Restores the files of apply <paramref name="id"/> (the latest when null) and regenerates.</summary>
    public SetupManifest Revert(string? id) => _executor.Revert(id);

    /// <summary>The changes the host needs for <paramref name="machines"/> (every machine when empty); throws when one has errors.</summary>
    public SetupPreview Plan(IReadOnlyList<string> machines, SetupPhase phase)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var configs = LoadMachines(_lodge.Machines, machines);
        var (host, _) = HostLoader.Load(_lodge.Root.Path);
        return new SetupPreview(SetupPlanner.Plan(host, configs, SetupFiles.Read(_lodge.Root.Path), phase, SetupFiles.BootImages(_lodge.Root.Path)), configs);
    }

    /// <summary>Writes the plan's files all or nothing, keeps backups, then runs its commands; returns the backup id.</summary>
    public string Apply(SetupPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return _executor.Apply(preview.Plan, [.. preview.Machines.Select(m => m.Name)]);
    }

    private static List<MachineConfig> LoadMachines(MachineStore store, IReadOnlyList<string> names)
    {
        var parsed = names.Count == 0 ? store.LoadAll() : [.. names.Select(store.Load)];
        foreach (var p in parsed)
        {
            if (p.Problems.Any(x => x.Severity == Severity.Error))
            {
                throw new ConfigException($"The machine '{p.Machine.Name}' has errors, so setup cannot tell what it needs.") { Hint = $"Run 'lodge check {p.Machine.Name}' and fix them." };
            }
        }

        return [.. parsed.Select(p => p.Machine)];
    }
}
