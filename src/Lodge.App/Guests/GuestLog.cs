namespace Lodge.App.Guests;

/// <summary>One log of a guest's last run (QEMU's, a helper's, the supervisor's, the serial console's).</summary>
/// <param name="Path">The file.</param>
/// <param name="Text">Its content.</param>
public sealed record GuestLog(string Path, string Text);
