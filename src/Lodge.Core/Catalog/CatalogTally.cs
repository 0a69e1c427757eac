namespace Lodge.Core.Catalog;

/// <summary>How many attempts worked and how many did not.</summary>
public sealed record CatalogTally(int Good, int Bad)
{
    /// <summary>All attempts.</summary>
    public int Attempts => Good + Bad;
}
