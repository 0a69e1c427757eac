namespace Lodge.Core.Setup;

/// <summary>Why a file changes, and which machines need it.</summary>
/// <param name="Machines">The machines that need the change, by name.</param>
/// <param name="Text">One sentence, such as "Binds 0000:01:00.0 to vfio-pci before a host driver can claim it."</param>
public sealed record SetupReason(IReadOnlyList<string> Machines, string Text)
{
    /// <summary>The reason as one line: <c>win11, mac: text</c>.</summary>
    public override string ToString() => $"{string.Join(", ", Machines)}: {Text}";
}
