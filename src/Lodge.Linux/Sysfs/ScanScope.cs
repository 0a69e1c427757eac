namespace Lodge.Linux.Sysfs;

/// <summary>What a scan reads: a command reads only what it shows (<c>devices</c> needs PCI, IOMMU, drivers, names and the
/// USB controllers behind them; <c>doctor</c> and <c>snapshot</c> need everything).</summary>
[Flags]
public enum ScanScope
{
    /// <summary>PCI devices, IOMMU groups, drivers, reset methods and names (the pci.ids database).</summary>
    Pci = 1,

    /// <summary>The kernel: command line, modules, /dev/kvm, consoles.</summary>
    Kernel = 2,

    /// <summary>USB controllers and devices, and the input devices among them.</summary>
    Usb = 4,

    /// <summary>CPU model, topology and memory.</summary>
    Cpu = 8,

    /// <summary>Display, sound servers.</summary>
    Desktop = 16,

    /// <summary>Programs (QEMU, virtiofsd, swtpm, ...) with their versions: runs them on the real system.</summary>
    Tools = 32,

    /// <summary>Firmware descriptors, the boot loader and DMI (board, BIOS).</summary>
    Platform = 64,

    /// <summary>The machine's kind and its ACPI tables (laptop, GPU MUX, VFCT): device verdicts depend on them.</summary>
    Machine = 128,

    /// <summary>What <c>lodge devices</c> shows.</summary>
    Devices = Pci | Kernel | Usb | Machine,

    /// <summary>Everything the scanner knows how to read.</summary>
    Everything = Pci | Kernel | Usb | Cpu | Desktop | Tools | Platform | Machine,
}
