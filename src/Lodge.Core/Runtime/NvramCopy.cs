namespace Lodge.Core.Runtime;

/// <summary>A firmware variable store: copy <see cref="Template"/> to <see cref="Target"/> once, never overwrite it.</summary>
public sealed record NvramCopy(string Template, string Target);
