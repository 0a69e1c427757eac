namespace Lodge.Core.Reports;

/// <summary>The hardware identity of a report: CPU model, board and BIOS from DMI, the GPU and the USB controllers.</summary>
/// <param name="Gpu">vendor:device[:subvendor:subdevice], e.g. <c>1002:73df:1eae:6601</c>.</param>
/// <param name="UsbControllers">vendor:device of each USB controller.</param>
public sealed record ReportHardware(
    string? CpuModel,
    string? BoardVendor,
    string? BoardModel,
    string? BiosVersion,
    string? Gpu,
    string? GpuName,
    string? VbiosVersion,
    IReadOnlyList<string> UsbControllers);
