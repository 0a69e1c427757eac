using Lodge.App.Autostart;
using Lodge.App.Runtime;

namespace Lodge.App.Guests;

/// <summary>Everything <c>lodge status</c> (and the dashboard's live state) shows: the guests, what Lodge still holds, the
/// supervised handoffs and what starts at boot.</summary>
/// <param name="Status">The guests with a state, the stale states cleaned, the damaged ones.</param>
/// <param name="Held">Journaled hugepages, CPU isolation and passed controllers.</param>
/// <param name="Handoffs">The supervised handoffs (one machine's, or every one with a phase file).</param>
/// <param name="Enabled">What starts at boot.</param>
public sealed record GuestOverview(GuestStatusReport Status, HeldByLodge Held, IReadOnlyList<HandoffStatus> Handoffs, AutostartState Enabled)
{
    /// <summary>How many things are damaged (a guest's state with a running QEMU, the hugepage journal, a controllers
    /// journal): exit code 3 when any.</summary>
    public int Damaged => Status.Damaged + (Held.HugePageDamage is null ? 0 : 1) + Held.Controllers.Count(c => c.Damage is not null);
}
