namespace Lodge.Core.Hardware;

/// <summary>The boot loaders Lodge knows how to pass kernel parameters to.</summary>
public enum Bootloader
{
    Unknown,
    Grub,
    SystemdBoot,
    Kernelstub,
}
