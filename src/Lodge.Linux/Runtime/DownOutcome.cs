namespace Lodge.Linux.Runtime;

/// <summary>How a guest was stopped.</summary>
public enum DownOutcome
{
    /// <summary>The guest was not running.</summary>
    NotRunning,

    /// <summary>The guest powered off after the ACPI request.</summary>
    PoweredOff,

    /// <summary>The guest ignored ACPI for the whole timeout and <c>--force</c> was not given: it still runs.</summary>
    StillRunning,

    /// <summary>The guest was stopped hard with QMP <c>quit</c> (or SIGKILL) after the timeout, with <c>--force</c>.</summary>
    StoppedHard,
}
