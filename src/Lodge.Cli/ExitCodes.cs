namespace Lodge.Cli;

/// <summary>The process exit codes lodge returns (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>Success; for doctor: at least one GPU can be passed through.</summary>
    public const int Ok = 0;

    /// <summary>doctor: guests can run but no GPU can be passed through.</summary>
    public const int NoPassthrough = 1;

    /// <summary>doctor: guests cannot run here (no KVM).</summary>
    public const int NoKvm = 2;

    /// <summary>A Lodge error: bad input, an unreadable host path, a refused operation.</summary>
    public const int Error = 3;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 64;

    /// <summary>An unexpected exception: a bug in lodge.</summary>
    public const int InternalError = 70;
}
