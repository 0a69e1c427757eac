namespace Lodge.Linux.Handoff;

/// <summary>What the handoff journal says about the host.</summary>
public enum JournalStatus
{
    /// <summary>No journal file: no handoff ever began here (the journal is written before the first step).</summary>
    Missing,

    /// <summary>The last handoff (or rescue) gave everything back: the journal ends with <c>clean</c>.</summary>
    Clean,

    /// <summary>A handoff left steps applied, and every record needed to undo them was read.</summary>
    Pending,

    /// <summary>The journal cannot be read whole (unreadable file, damaged first line, damaged records before the end):
    /// what is applied is not known, so nothing may be claimed about the host.</summary>
    Unknown,
}
