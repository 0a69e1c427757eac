using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Board and BIOS identity.</summary>
public sealed partial class SysfsScanner
{
    private const string DmiDir = "/sys/class/dmi/id";

    // /sys/class/dmi/id/board_vendor: "Gigabyte Technology Co., Ltd."; board_name: "B550M AORUS PRO-P";
    // bios_version: "F15". The *_serial and product_uuid files are never read.
    private DmiInfo ScanDmi() => new(
        Clean(_root.ReadAttribute($"{DmiDir}/board_vendor")),
        Clean(_root.ReadAttribute($"{DmiDir}/board_name")),
        Clean(_root.ReadAttribute($"{DmiDir}/bios_version")),
        Clean(_root.ReadAttribute($"{DmiDir}/product_name")));

    // Firmware fills unset DMI strings with placeholders; those say nothing.
    private static string? Clean(string? value) =>
        value is null or "" or "To Be Filled By O.E.M." or "Default string" or "System Product Name" or "Not Applicable" ? null : value;
}
