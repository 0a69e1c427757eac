using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>What <c>lodge down NAME</c> did.</summary>
/// <param name="Cleaned">The sentence about a stale state that was cleaned first, or null.</param>
/// <param name="Result">How the guest stopped (or did not).</param>
public sealed record GuestDown(string? Cleaned, DownResult Result);
