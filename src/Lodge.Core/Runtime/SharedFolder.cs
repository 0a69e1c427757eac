using Lodge.Core.Machines;

namespace Lodge.Core.Runtime;

/// <summary>One folder a guest sees, as the launch spec carries it (so nothing reads it back from an argv).</summary>
/// <param name="Tag">The mount tag (or SMB share name) the guest uses.</param>
/// <param name="Host">The host folder.</param>
/// <param name="Protocol">How it is shared.</param>
public sealed record SharedFolder(string Tag, string Host, ShareProtocol Protocol)
{
    /// <summary>The line <c>lodge status</c> shows: <c>TAG: FOLDER (PROTOCOL)</c>.</summary>
    public override string ToString() => $"{Tag}: {Host} ({Protocol.Word()})";
}
