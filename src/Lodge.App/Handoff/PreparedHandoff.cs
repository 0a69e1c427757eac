using Lodge.Core.Handoff;

namespace Lodge.App.Handoff;

/// <summary>A handoff planned against the host as it is now (holders included), before anything is written; made by
/// <see cref="HandoffService.PrepareAsync"/> and run by <see cref="HandoffService.RunAsync"/>.</summary>
public sealed class PreparedHandoff
{
    internal PreparedHandoff(HandoffUpRequest request, HandoffPlan plan, HostState before, IReadOnlyDictionary<string, string> resolved, bool hasHolders, HandoffEnvironment environment, Action<string> log)
    {
        Request = request;
        Plan = plan;
        Before = before;
        Resolved = resolved;
        HasHolders = hasHolders;
        Environment = environment;
        Log = log;
    }

    /// <summary>What was asked.</summary>
    public HandoffUpRequest Request { get; }

    /// <summary>The plan: its steps, warnings and refusals.</summary>
    public HandoffPlan Plan { get; }

    /// <summary>The host's handoff state before the run, to compare the way back against.</summary>
    public HostState Before { get; }

    /// <summary>What the outcome report records as resolved (accelerator, GPU mode, reset method).</summary>
    public IReadOnlyDictionary<string, string> Resolved { get; }

    /// <summary>Whether any process holds the GPU (what a refusal's hint tells the user to do).</summary>
    public bool HasHolders { get; }

    /// <summary>The host the plan runs on (built by the composition root, with the log of the run).</summary>
    internal HandoffEnvironment Environment { get; }

    /// <summary>Where the run's lines go.</summary>
    internal Action<string> Log { get; }
}
