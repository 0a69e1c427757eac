using Lodge.Core.Passthrough;

namespace Lodge.Core.Doctor;

/// <summary>The go/no-go report for a host.</summary>
/// <param name="ExitCode">0 when at least one GPU can be passed through; 1 when guests can run but no GPU can; 2 when guests cannot run here (no KVM).</param>
/// <param name="Verdict">The one-line conclusion.</param>
public sealed record DoctorReport(IReadOnlyList<DoctorSection> Sections, IReadOnlyList<DeviceAssessment> Gpus, string Verdict, int ExitCode)
{
    /// <summary>The host's CPU topology, reported as data by <c>doctor --json</c>.</summary>
    public Hardware.CpuTopology Topology { get; init; } = new();
}
