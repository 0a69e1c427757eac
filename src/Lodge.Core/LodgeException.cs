namespace Lodge.Core;

/// <summary>The root of every exception Lodge throws on purpose.</summary>
/// <remarks>
/// The tree (house style §5):
/// <code>
/// LodgeException
///  ├─ HostAccessException(path)                  a host file could not be read or written
///  ├─ HostProcessException(file)                 a host program could not be started (Lodge.Linux)
///  ├─ SetupException(path)                      'lodge setup' refused or failed; nothing, or everything, was written (Lodge.Linux)
///  ├─ InvalidStateException(state, required)     an operation was called in the wrong state
///  ├─ ConfigException(problems)                  a machine definition is invalid
///  ├─ QmpException                               QMP (Lodge.Qmp)
///  │   ├─ QmpConnectException(endpoint, failedState)
///  │   ├─ QmpCommandException(command, errorClass, desc)
///  │   ├─ QmpTimeoutException(command, timeout)
///  │   ├─ QmpConnectionLostException(command)
///  │   └─ QmpProtocolException(json)
///  └─ HandoffException(plan, appliedSteps, rollbackOutcome)
/// </code>
/// The CLI prints the message chain and returns <see cref="ExitCode"/>; any other exception is a bug.
/// </remarks>
public abstract class LodgeException : Exception
{
    protected LodgeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The process exit code the CLI returns for this error (documented in the README).</summary>
    public virtual int ExitCode => 3;

    /// <summary>An optional line telling the user how to fix it.</summary>
    public string? Hint { get; init; }
}
