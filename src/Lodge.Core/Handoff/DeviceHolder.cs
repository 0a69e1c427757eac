using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>A process that has a device node of a handed-off function open (found by the shell in <c>/proc/*/fd</c>).</summary>
/// <param name="Node">The node, e.g. <c>/dev/dri/card0</c>, <c>/dev/nvidia0</c> or <c>/dev/snd/controlC1</c>.</param>
/// <param name="Process">The command name, e.g. <c>Xorg</c>.</param>
/// <param name="EndsWithDisplayManager">True when the process belongs to the display manager or its sessions, so stopping it ends the hold.</param>
public sealed record DeviceHolder(PciAddress Device, string Node, string Process, int Pid, bool EndsWithDisplayManager = false)
{
    /// <summary>For messages: <c>'Xorg' (pid 1234) holds '/dev/dri/card0'</c>.</summary>
    public override string ToString() => $"'{Process}' (pid {Pid}) holds '{Node}'";
}
