namespace Lodge.Core.Planning;

/// <summary>A host folder shown to the guest, with the protocol chosen for it.</summary>
/// <param name="Protocol">virtiofs, 9p or smb.</param>
/// <param name="Socket">The virtiofsd socket, or null.</param>
public sealed record SharePlan(string Host, string Tag, string Protocol, string? Socket);
