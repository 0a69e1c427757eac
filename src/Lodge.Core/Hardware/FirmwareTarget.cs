namespace Lodge.Core.Hardware;

/// <summary>One target of a firmware descriptor: an architecture and the machine types it boots.</summary>
public sealed record FirmwareTarget(string Architecture, IReadOnlyList<string> Machines);
