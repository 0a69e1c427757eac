namespace Lodge.Core.Setup;

/// <summary>Which half of a setup a plan is for: the trial apply, or the confirm that makes a tried command line permanent.</summary>
public enum SetupPhase
{
    /// <summary>Write every file; a changed kernel command line goes into a trial entry that boots once.</summary>
    Apply,

    /// <summary>Move the tried command line into the boot loader's default and remove the trial entry.</summary>
    Confirm,
}
