namespace Lodge.Core.Planning;

/// <summary>How the guest is seen: a remote display, Looking Glass, or only its own GPU outputs.</summary>
/// <param name="Type">none, spice, vnc or looking-glass.</param>
/// <param name="Video">The emulated video device (virtio-vga, VGA) or null when a passed GPU is the only display.</param>
/// <param name="LookingGlassPath">The shared-memory file for Looking Glass, or null.</param>
public sealed record DisplayPlan(string Type, string? Video, string? Socket, string? LookingGlassPath, int LookingGlassMiB);
