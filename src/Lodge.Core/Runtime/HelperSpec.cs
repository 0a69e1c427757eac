namespace Lodge.Core.Runtime;

/// <summary>A helper process a guest needs (swtpm, virtiofsd, smbd).</summary>
/// <param name="Name">Unique within the guest, e.g. "swtpm", "virtiofsd-shared", "smbd".</param>
/// <param name="Argv">argv[0] is the program.</param>
/// <param name="ReadySocket">A unix socket that exists once the helper is ready, or null to wait for nothing.</param>
/// <param name="Files">Files to write before starting it (path → content), e.g. a private smb.conf.</param>
public sealed record HelperSpec(string Name, IReadOnlyList<string> Argv, string? ReadySocket, IReadOnlyDictionary<string, string> Files);
