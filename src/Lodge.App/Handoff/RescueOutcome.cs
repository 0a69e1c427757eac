using Lodge.Linux.Handoff;

namespace Lodge.App.Handoff;

/// <summary>What <c>lodge rescue</c> did: the handoff journal's undo, and the CPU isolation's.</summary>
/// <param name="Report">Every journal step undone (empty when the journal was clean).</param>
/// <param name="JournalPath">The handoff journal read.</param>
/// <param name="JournalClean">Whether the journal is clean now.</param>
/// <param name="Isolation">What happened to a pending CPU isolation.</param>
/// <param name="IsolationJournalPath">The CPU isolation's journal.</param>
/// <param name="UnknownGpu">For a damaged journal: the GPU's address as far as it could be read, else null.</param>
public sealed record RescueOutcome(HandoffReport Report, string JournalPath, bool JournalClean, IsolationRescue Isolation, string IsolationJournalPath, string? UnknownGpu);
