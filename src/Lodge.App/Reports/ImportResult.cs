namespace Lodge.App.Reports;

/// <summary>What <c>lodge report import</c> brought in.</summary>
/// <param name="Imported">Reports added.</param>
/// <param name="AlreadyPresent">Reports the database already held (kept once).</param>
public sealed record ImportResult(int Imported, int AlreadyPresent);
