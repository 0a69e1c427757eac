namespace Lodge.Core.Machines;

/// <summary><c>[firmware] type</c>.</summary>
public enum FirmwareType
{
    Uefi,
    UefiSecure,
    Bios,
}
