namespace Lodge.Core.Planning;

/// <summary>One disk or CD-ROM with its host path resolved (relative paths live in the state folder).</summary>
/// <param name="Id">drive0, drive1, ... or cd0, opencore.</param>
/// <param name="Bus">virtio, scsi, nvme or sata.</param>
/// <param name="CreateBytes">Create the image with this size when it is missing; null to never create it.</param>
public sealed record DiskPlan(string Id, string Path, string Format, string Bus, bool IsCdrom, long? CreateBytes, int BootIndex);
