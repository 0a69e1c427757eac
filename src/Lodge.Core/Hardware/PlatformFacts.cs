namespace Lodge.Core.Hardware;

/// <summary>Facts about the machine itself that decide advice: its ACPI tables, whether it is portable, a GPU MUX.</summary>
/// <param name="AcpiTables">Names in <c>/sys/firmware/acpi/tables</c> (DMAR, IVRS, VFCT, ...); null when the tree has none.</param>
/// <param name="ChassisType">SMBIOS chassis type from <c>/sys/class/dmi/id/chassis_type</c> (9 = laptop, 10 = notebook, ...); null when unknown.</param>
/// <param name="HasBattery">A <c>/sys/class/power_supply/BAT*</c> exists; null when the tree has no power_supply class.</param>
/// <param name="GpuMuxMode">The firmware's GPU MUX setting (<c>gpu_mux_mode</c> of asus-wmi or a firmware attribute): 0 wires the
/// panel to the discrete GPU, 1 to the iGPU (hybrid); null when the tree shows no MUX.</param>
public sealed record PlatformFacts(IReadOnlyList<string>? AcpiTables = null, int? ChassisType = null, bool? HasBattery = null, int? GpuMuxMode = null)
{
    /// <summary>SMBIOS chassis types of portable machines: portable, laptop, notebook, sub notebook, convertible, detachable.</summary>
    private static readonly int[] PortableChassis = [8, 9, 10, 14, 31, 32];

    /// <summary>True for a laptop (portable chassis, or a battery); false when both are known and say no; null when unknown.</summary>
    public bool? IsLaptop => (ChassisType is { } c && PortableChassis.Contains(c)) || HasBattery == true
        ? true
        : ChassisType is not null || HasBattery is not null ? false : null;

    /// <summary>True when the firmware lists the named ACPI table; null when the tables are unknown.</summary>
    public bool? HasAcpiTable(string name) => AcpiTables?.Contains(name);
}
