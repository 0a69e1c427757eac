using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Placeholders replaced by the USB, input, CPU topology, memory, display, tools, firmware and boot partials.</summary>
public sealed partial class SysfsScanner
{
    private BootInfo ScanBoot() => new();
}
