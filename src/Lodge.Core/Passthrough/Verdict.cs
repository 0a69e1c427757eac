namespace Lodge.Core.Passthrough;

/// <summary>Whether a device's IOMMU group lets it go to a guest on its own.</summary>
public enum Verdict
{
    /// <summary>Alone in its group, apart from bridges.</summary>
    Isolated,

    /// <summary>Shares its group only with other functions of the same card, which go along with it.</summary>
    WithCompanions,

    /// <summary>Shares its group with at least one unrelated device (a blocker).</summary>
    Shared,

    /// <summary>The host shows no IOMMU groups at all.</summary>
    NoIommu,
}

/// <summary>The words used in JSON and tables for <see cref="Verdict"/>.</summary>
public static class Verdicts
{
    public static string Name(Verdict verdict) => verdict switch
    {
        Verdict.Isolated => "isolated",
        Verdict.WithCompanions => "with-companions",
        Verdict.Shared => "shared",
        _ => "no-iommu",
    };

    /// <summary>True when the device can be handed to a guest (alone or with its companions).</summary>
    public static bool IsPassable(Verdict verdict) => verdict is Verdict.Isolated or Verdict.WithCompanions;
}
