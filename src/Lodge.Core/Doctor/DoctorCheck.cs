namespace Lodge.Core.Doctor;

/// <summary>One line of the doctor's report: a status, what was checked, what was found, and the fix.</summary>
public sealed record DoctorCheck(CheckStatus Status, string Title, string Detail, string? Fix = null)
{
    /// <summary>Further lines under the check (findings), each one sentence.</summary>
    public IReadOnlyList<DoctorCheck> Details { get; init; } = [];
}
