namespace Lodge.Core.Hardware;

/// <summary>A mediated device type offered by a parent device (<c>mdev_supported_types/&lt;id&gt;</c>), e.g. Intel GVT-g.</summary>
public sealed record MdevType(string Id, string? Name, int? AvailableInstances);
