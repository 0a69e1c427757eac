using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>A process that has a device node of a handed-off function open (found by the shell in <c>/proc/*/fd</c>).</summary>
/// <param name="Node">The node, e.g. <c>/dev/dri/card0</c>, <c>/dev/nvidia0</c> or <c>/dev/snd/controlC1</c>.</param>
/// <param name="Process">The command name, e.g. <c>Xorg</c>.</param>
/// <param name="EndsWithDisplayManager">True when the process belongs to the display manager, a graphical session on the
/// card's seat, or the service manager of a user with such a session (PipeWire), so stopping the display manager ends
/// the hold or makes it let go (the handoff then waits, bounded, for the card to be free).</param>
public sealed record DeviceHolder(PciAddress Device, string Node, string Process, int Pid, bool EndsWithDisplayManager = false)
{
    /// <summary>The logind session the process runs in (a graphical session on the card's seat), or null;
    /// <c>--stop-holders</c> ends that session through logind instead of signalling the process.</summary>
    public string? Session { get; init; }

    /// <summary>For messages: <c>'Xorg' (pid 1234) holds '/dev/dri/card0'</c>.</summary>
    public override string ToString() => $"'{Process}' (pid {Pid}) holds '{Node}'";
}
