namespace Lodge.Qmp;

/// <summary>QEMU sent a message that breaks the QMP specification, such as invalid JSON or a greeting without a version.</summary>
/// <remarks>The session closes when this happens, because the stream can no longer be trusted (as qemu.qmp does).</remarks>
public sealed class QmpProtocolException(string message, string? json = null, Exception? innerException = null)
    : QmpException(message, innerException)
{
    /// <summary>The offending message text, cut to at most 512 characters, if there was one.</summary>
    public string? Json { get; } = json is { Length: > 512 } ? json[..512] : json;
}
