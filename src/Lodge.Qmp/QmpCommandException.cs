namespace Lodge.Qmp;

/// <summary>QEMU answered a QMP command with an error response (QMP spec, "Error").</summary>
public sealed class QmpCommandException(string command, string errorClass, string desc)
    : QmpException($"QEMU rejected the QMP command '{command}' with {errorClass}: '{desc}'.")
{
    /// <summary>The command that failed, such as <c>device_add</c>.</summary>
    public string Command { get; } = command;

    /// <summary>The error class, such as <c>GenericError</c> or <c>CommandNotFound</c>.</summary>
    public string ErrorClass { get; } = errorClass;

    /// <summary>QEMU's human-readable description, verbatim.</summary>
    public string Desc { get; } = desc;
}
