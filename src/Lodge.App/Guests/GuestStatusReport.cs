namespace Lodge.App.Guests;

/// <summary>What <c>lodge status</c> found: every running guest, the stale state it cleaned, and how many guests have a
/// damaged state file while their QEMU still runs.</summary>
/// <param name="Guests">The guests with a state, in name order.</param>
/// <param name="Notes">One sentence per cleaned or damaged state.</param>
/// <param name="Damaged">How many guests have a damaged state file and a running QEMU.</param>
public sealed record GuestStatusReport(IReadOnlyList<GuestStatus> Guests, IReadOnlyList<string> Notes, int Damaged);
