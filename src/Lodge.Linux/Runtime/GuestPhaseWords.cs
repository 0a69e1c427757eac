namespace Lodge.Linux.Runtime;

/// <summary>The one mapping between <see cref="GuestPhase"/> and its word in <c>state.json</c>, <c>lodge status</c> and its JSON.</summary>
public static class GuestPhaseWords
{
    /// <summary>The word of a phase (<c>starting</c>, <c>running</c>).</summary>
    public static string Word(this GuestPhase phase) => phase switch
    {
        GuestPhase.Starting => "starting",
        GuestPhase.Running => "running",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The phase of a word; null for any other word.</summary>
    public static GuestPhase? Parse(string? word) => word switch
    {
        "starting" => GuestPhase.Starting,
        "running" => GuestPhase.Running,
        _ => null,
    };
}
