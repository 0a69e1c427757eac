using System.Globalization;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Handoff;

/// <summary>What rescue uses to stop a stuck guest: the pid in <c>/run/lodge/&lt;guest&gt;/qemu.pid</c> (or below LODGE_RUN_DIR), sent SIGTERM and then SIGKILL.</summary>
/// <remarks>Rescue cannot start guests; <see cref="StartAsync"/> refuses. No pid file, or a pid that is no QEMU now, means no guest, which is success.</remarks>
/// <param name="runRoot">The run root the guest's runtime wrote its pid file below (<c>/run/lodge</c>, or <c>LODGE_RUN_DIR</c>).</param>
public sealed class PidFileGuestControl(HostRoot root, IProcessRunner runner, string runRoot) : IGuestControl
{

    /// <inheritdoc/>
    public Task StartAsync(string guest, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Rescue never starts a guest.");

    /// <inheritdoc/>
    public async Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        // The run root is the one the runtime that wrote the file used (the composition root's paths).
        var pidFile = RuntimeLayout.For(guest, runRoot).RunDir + "/qemu.pid";
        if (root.ReadAttribute(pidFile) is not { } text || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            return;
        }

        // A pid file that outlived its QEMU (a reboot, a crash) may name a recycled pid: never signal anything but QEMU.
        // /proc/PID/cmdline is NUL-separated: "qemu-system-x86_64\0-name\0guest=win\0...".
        if (root.ReadAttribute($"/proc/{pid}/cmdline") is not { } cmdline || !cmdline.Contains("qemu", StringComparison.Ordinal))
        {
            return;
        }

        // HOST EFFECT: the guest is asked to stop, then killed; the way back (rescue's next undos) follows.
        await runner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < 50 && root.DirectoryExists($"/proc/{pid}"); i++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        if (root.DirectoryExists($"/proc/{pid}"))
        {
            await runner.RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
