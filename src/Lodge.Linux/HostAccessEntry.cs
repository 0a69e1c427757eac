namespace Lodge.Linux;

/// <summary>One recorded path: a file with its bytes, a link with its target, a directory, or a file seen but not read.</summary>
public sealed record HostAccessEntry(HostAccessKind Kind, byte[]? Content, string? LinkTarget);
