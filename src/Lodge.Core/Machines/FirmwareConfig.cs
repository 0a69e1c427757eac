namespace Lodge.Core.Machines;

/// <summary><c>[firmware]</c>.</summary>
public sealed record FirmwareConfig(FirmwareType Type = FirmwareType.Uefi, bool Tpm = false);
