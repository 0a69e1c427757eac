namespace Lodge.App.Switching;

/// <summary>The end of one switch request.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Holder">The guest that holds the GPU now (null when the host gets it back).</param>
/// <param name="Message">One sentence for the user.</param>
/// <param name="Hint">What to do next, when something did not work.</param>
public sealed record SwitchResult(SwitchOutcome Outcome, string? Holder, string Message, string? Hint = null)
{
    /// <summary>True when the guest asked for runs with the GPU.</summary>
    public bool Succeeded => Outcome == SwitchOutcome.Switched;
}
