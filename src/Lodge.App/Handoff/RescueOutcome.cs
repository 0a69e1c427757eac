using Lodge.Linux.Handoff;

namespace Lodge.App.Handoff;

/// <summary>What <c>lodge rescue</c> did: the handoff journal's undo, the CPU isolation's, the hugepage reservations' and the passed controllers'.</summary>
/// <param name="Report">Every journal step undone (empty when the journal was clean).</param>
/// <param name="JournalPath">The handoff journal read.</param>
/// <param name="JournalClean">Whether the journal is clean now.</param>
/// <param name="Isolation">What happened to a pending CPU isolation.</param>
/// <param name="IsolationJournalPath">The CPU isolation's journal.</param>
/// <param name="UnknownGpu">For a damaged journal: the GPU's address as far as it could be read, else null.</param>
/// <param name="HugePageLines">One line per hugepage reservation given back (or not); for a damaged hugepage journal, an "Error:" line and what to check.</param>
/// <param name="HugePagesLeft">True when reservations of stopped guests (or a damaged journal) are left.</param>
public sealed record RescueOutcome(HandoffReport Report, string JournalPath, bool JournalClean, IsolationRescue Isolation, string IsolationJournalPath, string? UnknownGpu, IReadOnlyList<string> HugePageLines, bool HugePagesLeft)
{
    /// <summary>One line per machine whose passed controllers were given back (or not).</summary>
    public IReadOnlyList<string> ControllerLines { get; init; } = [];

    /// <summary>True when controllers of a stopped guest are still on vfio-pci (an undo failed).</summary>
    public bool ControllersLeft { get; init; }
}
