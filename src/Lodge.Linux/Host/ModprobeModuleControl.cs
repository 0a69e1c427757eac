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
