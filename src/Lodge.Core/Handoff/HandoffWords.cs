namespace Lodge.Core.Handoff;

/// <summary>The one mapping from the handoff's enums to the words errors, JSON and reports show.</summary>
public static class HandoffWords
{
    /// <summary>The word of a readiness (<c>refused</c>, <c>runnable</c>).</summary>
    public static string Word(this HandoffReadiness readiness) => readiness switch
    {
        HandoffReadiness.Refused => "refused",
        HandoffReadiness.Runnable => "runnable",
        _ => throw new ArgumentOutOfRangeException(nameof(readiness), readiness, null),
    };
}
