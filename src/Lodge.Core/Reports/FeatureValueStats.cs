namespace Lodge.Core.Reports;

/// <summary>How often attempts with one value of a feature worked.</summary>
public sealed record FeatureValueStats(string Value, int Attempts, int Worked)
{
    public double SuccessRate => Attempts == 0 ? 0 : (double)Worked / Attempts;
}
