using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.App.Host;

/// <summary>The host as read once, with every device's passthrough verdict.</summary>
/// <param name="Host">What was read.</param>
/// <param name="Assessments">The verdict of every PCI device.</param>
public sealed record HostScan(HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments);
