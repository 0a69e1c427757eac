namespace Lodge.Linux.Catalog;

/// <summary>What a publish did.</summary>
/// <param name="Added">Report files the catalog did not have.</param>
/// <param name="AlreadyThere">Reports the catalog already held (the same content, so the same file).</param>
/// <param name="Pushed">True when the catalog accepted the push.</param>
/// <param name="Branch">The branch of the local clone holding the commit.</param>
/// <param name="PushRefusal">What the catalog said when it refused the push; null when pushed or nothing was new.</param>
/// <param name="MergeRequestCommand">The command that offers the branch from a fork, when the push was refused.</param>
public sealed record CatalogPublishResult(int Added, int AlreadyThere, bool Pushed, string Branch, string CloneDirectory, string? PushRefusal, string? MergeRequestCommand);
