namespace Lodge.App.Handoff;

/// <summary>What <c>lodge rescue</c> did with a CPU isolation a guest left applied.</summary>
public enum IsolationRescue
{
    /// <summary>No isolation was pending.</summary>
    NothingPending,

    /// <summary>At boot: the reboot already dropped the runtime property, so the journal was cleared.</summary>
    ClearedByReboot,

    /// <summary>Every unit may use every CPU again.</summary>
    Restored,

    /// <summary>Some units could not get their CPUs back; the journal keeps them.</summary>
    Kept,
}
