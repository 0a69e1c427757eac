using Lodge.Linux.Processes;

namespace Lodge.Linux.Host;

/// <summary>The production module control: runs <c>modprobe NAME</c> and <c>modprobe -r NAME</c> through an <see cref="IProcessRunner"/>.</summary>
/// <remarks>
/// The program runs on a <see cref="HostWrite"/> thread as well: <c>modprobe -r</c> can sleep uninterruptibly in the
/// kernel, where even the runner's kill cannot end it.
/// </remarks>
public sealed class ModprobeModuleControl(IProcessRunner runner, string modprobe = "modprobe") : IModuleControl
{
    /// <summary>The production control: <c>modprobe</c> through the production process runner.</summary>
    public static ModprobeModuleControl Create() => new(new ProcessRunner());

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
        HostWrite.RunAsync(
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
}
