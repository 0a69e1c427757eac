using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>One line of the handoff journal.</summary>
/// <param name="Event"><c>plan</c>, <c>begin</c>, <c>done</c>, <c>failed</c>, <c>timed-out</c>, <c>undone</c>, <c>undo-failed</c>, <c>wedged</c> or <c>clean</c>.</param>
/// <param name="Index">The step, for every event but <c>plan</c> and <c>clean</c>.</param>
/// <param name="Name">The step's name (<c>begin</c>), or the guest (<c>plan</c>).</param>
/// <param name="Undo">What undoes the step (<c>begin</c>): rescue needs nothing else.</param>
/// <param name="Timeout">How long the undo may take (<c>begin</c>).</param>
/// <param name="Detail">The GPU (<c>plan</c>), the error message (<c>failed</c>, <c>undo-failed</c>), or the target a kernel
/// write never returned from (<c>wedged</c>: nothing touches it again before a reboot).</param>
/// <param name="Writer">For <c>wedged</c>: the process whose write is stuck, as <c>PID START</c> (start time in clock ticks
/// since boot, field 22 of /proc/PID/stat). The wedge lasts while that process lives: the kernel ends it only when the
/// write returns (or a reboot). Null in journals written before it was recorded: then only a reboot ends the wedge.</param>
public sealed record JournalEntry(string Event, int? Index = null, string? Name = null, HandoffOperation? Undo = null, TimeSpan? Timeout = null, string? Detail = null, string? Writer = null)
{
    /// <summary>The event names, as written.</summary>
    public const string Plan = "plan", Begin = "begin", Done = "done", Failed = "failed", TimedOut = "timed-out", Undone = "undone", UndoFailed = "undo-failed", Wedged = "wedged", Clean = "clean";
}
