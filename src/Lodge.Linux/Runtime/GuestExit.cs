using Lodge.Linux.Processes;

namespace Lodge.Linux.Runtime;

/// <summary>How a supervised guest ended: QEMU's exit, whether that was a clean shutdown, and the last lines of qemu.log.</summary>
public sealed record GuestExit(string Machine, ProcessExit QemuExit, IReadOnlyList<string> LogTail, TimeSpan Uptime)
{
    /// <summary>True when QEMU exited with code 0 (the guest powered off, or <c>quit</c> was asked for).</summary>
    public bool Clean => QemuExit.ExitCode == 0;

    /// <summary>A sentence saying why the guest stopped.</summary>
    public string Describe() => Clean
        ? $"Guest '{Machine}' stopped: QEMU exited cleanly after {Uptime.TotalSeconds:0.0} s."
        : $"Guest '{Machine}' crashed: QEMU ended with {QemuExit.Describe()} after {Uptime.TotalSeconds:0.0} s.";
}
