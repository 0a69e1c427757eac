namespace Lodge.Core.Setup;

/// <summary>One host file before and after setup, with the reasons for the change.</summary>
/// <param name="Path">The host-view path, such as <c>/etc/default/grub</c>.</param>
/// <param name="Before">The current text, or null when the file does not exist.</param>
/// <param name="After">The new text, or null when setup deletes the file.</param>
/// <param name="Executable">True when the file must be executable (a <c>/etc/grub.d</c> script).</param>
public sealed record FileChange(string Path, string? Before, string? After, IReadOnlyList<SetupReason> Reasons, bool Executable = false)
{
    /// <summary>The unified diff from <see cref="Before"/> to <see cref="After"/>.</summary>
    public string Diff => UnifiedDiff.Create(Path, Before, After);
}
