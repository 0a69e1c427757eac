using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>A disk behind a controller that the host uses (a mounted file system, swap, a volume): why the controller stays.</summary>
/// <param name="Controller">The PCI controller the disk hangs off.</param>
/// <param name="Disk">The block device, e.g. <c>sda</c>.</param>
/// <param name="Use">What the host does with it, as a phrase (<c>mounted at '/'</c>).</param>
public sealed record ControllerDiskUse(PciAddress Controller, string Disk, string Use);
