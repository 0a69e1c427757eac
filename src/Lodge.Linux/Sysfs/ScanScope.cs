namespace Lodge.Linux.Sysfs;

/// <summary>What a scan reads: a command reads only what it shows (<c>devices</c> needs PCI, IOMMU, drivers, names and the
/// USB controllers behind them; <c>doctor</c> and <c>snapshot</c> need everything).</summary>
[Flags]
public enum ScanScope
{
    /// <summary>PCI devices, IOMMU groups, drivers and reset methods (their names: <see cref="Names"/>).</summary>
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

    /// <summary>The capabilities in every PCI function's configuration space (ACS, the PCIe port type, the Resizable BAR,
    /// the ROM BAR): what verdicts on passing a device through rest on. In a VM each dword of configuration space read traps
    /// to the hypervisor (2.5 ms per function here), so a guest that passes no host device leaves them out; the header
    /// is still read for a function whose id or class attribute is missing.</summary>
    PciCapabilities = 256,

    /// <summary>The names of PCI and USB devices (pci.ids, usb.ids). Left out, every device is known by its ids alone:
    /// what a guest that takes no host PCI device does (its plan and report name no device), sparing the read of the
    /// 1.4 MB pci.ids at its start.</summary>
    Names = 512,

    /// <summary>What <c>lodge devices</c> shows.</summary>
    Devices = Pci | PciCapabilities | Kernel | Usb | Machine | Names,

    /// <summary>Everything the scanner knows how to read.</summary>
    Everything = Pci | PciCapabilities | Kernel | Usb | Cpu | Desktop | Tools | Platform | Machine | Names,
}
