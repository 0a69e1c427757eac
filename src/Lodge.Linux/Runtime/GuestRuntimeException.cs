using Lodge.Core;

namespace Lodge.Linux.Runtime;

/// <summary>A guest could not be started, stopped or reached: names the machine; the cause, when there is one, is the inner exception.</summary>
public class GuestRuntimeException(string machine, string message, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    /// <summary>The machine the operation was about.</summary>
    public string Machine { get; } = machine;
}
