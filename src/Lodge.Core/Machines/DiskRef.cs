namespace Lodge.Core.Machines;

/// <summary>One disk a machine opens: where it was written, and the host path Lodge opens.</summary>
/// <param name="Key">The key that names it, for the problem's place: <c>disk[0].path</c>, <c>disk[1].cdrom</c>, <c>macos.opencore</c>.</param>
/// <param name="Configured">The path as written in the machine file.</param>
/// <param name="Path">The host path: absolute, relative paths below the state folder, normalized.</param>
/// <param name="IsCdrom">A read-only ISO.</param>
/// <param name="Passthrough">The disk says <c>passthrough = true</c>.</param>
public sealed record DiskRef(string Key, string Configured, string Path, bool IsCdrom, bool Passthrough);
