using System.Globalization;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>ACPI table names, chassis type, battery and GPU MUX.</summary>
public sealed partial class SysfsScanner
{
    private const string AcpiTablesDir = "/sys/firmware/acpi/tables";
    private const string PowerSupplyDir = "/sys/class/power_supply";

    // Only the names of the tables are read (DMAR = Intel VT-d, IVRS = AMD-Vi, VFCT = the AMD iGPU's vBIOS), never their bytes.
    // asus-wmi: /sys/devices/platform/asus-nb-wmi/gpu_mux_mode ("0" = discrete GPU drives the panel, "1" = hybrid);
    // newer kernels: /sys/class/firmware-attributes/asus-armoury/attributes/gpu_mux_mode/current_value.
    private PlatformFacts ScanPlatform()
    {
        IReadOnlyList<string>? tables = _root.DirectoryExists(AcpiTablesDir)
            ? _root.ListDirectory(AcpiTablesDir).Where(n => n.Length is > 0 and <= 8).Order(StringComparer.Ordinal).ToList()
            : null;
        var chassis = int.TryParse(_root.ReadAttribute($"{DmiDir}/chassis_type"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : (int?)null;
        bool? battery = _root.DirectoryExists(PowerSupplyDir)
            ? _root.ListDirectory(PowerSupplyDir).Any(n => n.StartsWith("BAT", StringComparison.Ordinal))
            : null;
        var mux = _root.ReadAttribute("/sys/devices/platform/asus-nb-wmi/gpu_mux_mode")
            ?? _root.ReadAttribute("/sys/class/firmware-attributes/asus-armoury/attributes/gpu_mux_mode/current_value");
        int? muxMode = int.TryParse(mux, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : null;
        return new PlatformFacts(tables, chassis, battery, muxMode);
    }
}
