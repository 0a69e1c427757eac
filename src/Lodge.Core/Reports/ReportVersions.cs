namespace Lodge.Core.Reports;

/// <summary>The kernel release and QEMU version an attempt ran with.</summary>
public sealed record ReportVersions(string? Kernel, string? Qemu);
