namespace Lodge.Linux.HugePages;

/// <summary>One reservation given back, or not.</summary>
/// <param name="Reservation">What the journal held.</param>
/// <param name="Released">The pages the pool gave back to the kernel.</param>
/// <param name="Error">Why the pool could not be written; null when the reservation left the journal.</param>
public sealed record HugePageRelease(HugePageReservation Reservation, long Released, string? Error)
{
    /// <summary>True when the journal no longer holds the reservation.</summary>
    public bool Done => Error is null;
}
