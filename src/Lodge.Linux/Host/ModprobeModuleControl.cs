using Lodge.Linux.Processes;

namespace Lodge.Linux.Host;

/// <summary>The production module control: runs <c>modprobe NAME</c> and <c>modprobe -r NAME</c> through an <see cref="IProcessRunner"/>.</summary>
/// <remarks>
/// <para>A module's init or exit can sleep uninterruptibly in the kernel (<c>delete_module</c> stuck in a driver's remove),
/// where no kill ends it. In production (<see cref="OwnChild"/>) each <c>modprobe</c> is a child of its own, in its own
/// session, waited for at most the step's timeout (<see cref="ChildProcessWrite.RunChildAsync"/>): one that never returns
/// is left where the kernel holds it and named as the wedge's writer (pid and start time), and Lodge goes on and exits.
/// Otherwise (a scripted runner) the program runs on a <see cref="HostWrite"/> thread.</para>
/// </remarks>
public sealed class ModprobeModuleControl(IProcessRunner runner, string modprobe = "modprobe") : IModuleControl
{
    /// <summary>The production control: each <c>modprobe</c> a child of its own, bounded by the step's timeout.</summary>
    /// <param name="logFolder">Where each child's stderr is kept until it ends: the host's scratch folder.</param>
    public static ModprobeModuleControl Create(string logFolder) => new(new ProcessRunner()) { OwnChild = true, ChildLogFolder = logFolder };

    /// <summary>Loads and unloads run <c>modprobe</c> as a child of its own (<see cref="ChildProcessWrite.RunChildAsync"/>)
    /// rather than through the runner.</summary>
    public bool OwnChild { get; init; }

    /// <summary>Where an <see cref="OwnChild"/> child's stderr is kept until it ends.</summary>
    public string ChildLogFolder { get; init; } = "/tmp";

    /// <inheritdoc/>
    public Task LoadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);

        // HOST EFFECT: loads the module and its dependencies (its drivers bind matching devices); undone by UnloadModuleAsync.
        return Run(HostAction.LoadModule, name, [name], timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task UnloadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);

        // HOST EFFECT: unloads the module and its unused dependencies; undone by LoadModuleAsync.
        return Run(HostAction.UnloadModule, name, ["-r", name], timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>?> DependenciesAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);
        var result = await runner.RunAsync(modprobe, ["--show-depends", name], timeout, cancellationToken).ConfigureAwait(false);
        return result.TimedOut || result.ExitCode != 0 ? null : ParseShowDepends(result.StandardOutput, name);
    }

    // "insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/vfio/vfio.ko " and "builtin vfio" lines: the modules modprobe
    // would load, soft dependencies (vfio's "post: vfio_iommu_type1") included; the file name is the module's name.
    internal static IReadOnlyList<string> ParseShowDepends(string output, string module)
    {
        var found = new List<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is not ["insmod", var path, ..])
            {
                continue;
            }

            var file = Path.GetFileName(path);
            var name = file[..file.IndexOf(".ko", StringComparison.Ordinal)].Replace('-', '_');
            if (name.Length > 0 && name != module && !found.Contains(name))
            {
                found.Add(name);
            }
        }

        return found;
    }

    private Task Run(HostAction action, string name, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        OwnChild ? RunChildAsync(action, name, arguments, timeout, cancellationToken) : HostWrite.RunAsync(
            action,
            name,
            () =>
            {
                // The runner's own timeout is a little longer, so that HostWrite reports the timeout first.
                var result = runner.Run(modprobe, arguments, timeout + TimeSpan.FromSeconds(1));
                if (result.TimedOut || result.ExitCode != 0)
                {
                    throw new HostWriteException(action, name, $"'{modprobe} {string.Join(' ', arguments)}' failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
                }
            },
            timeout,
            cancellationToken);

    private async Task RunChildAsync(HostAction action, string name, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var command = $"{modprobe} {string.Join(' ', arguments)}";
        var (code, error) = await ChildProcessWrite.RunChildAsync([modprobe, .. arguments], ChildLogFolder, action, name, $"run '{command}'", timeout, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new HostWriteException(action, name, $"'{command}' failed with exit code {code}: {error}");
        }
    }
}
