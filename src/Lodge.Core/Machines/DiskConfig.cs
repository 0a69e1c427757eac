namespace Lodge.Core.Machines;

/// <summary>One <c>[[disk]]</c>: an image (<see cref="Path"/>) or an ISO (<see cref="Cdrom"/>).</summary>
/// <param name="Path">Relative to the machine's state folder, or absolute.</param>
/// <param name="SizeBytes">The size to create the image with when it is missing.</param>
/// <param name="Bus"><c>virtio</c>, <c>scsi</c>, <c>nvme</c> or <c>sata</c>.</param>
/// <param name="Passthrough"><c>passthrough = true</c>: the user means to give a host block device to the guest whole.</param>
public sealed record DiskConfig(string? Path, long? SizeBytes, string Bus, string? Cdrom, bool Passthrough = false);
