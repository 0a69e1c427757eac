namespace Lodge.Core.Machines;

/// <summary>One <c>[[share]]</c>: a host folder shown to the guest.</summary>
/// <param name="Protocol"><c>auto</c>, <c>virtiofs</c>, <c>9p</c> or <c>smb</c>.</param>
public sealed record ShareConfig(string Host, string Tag, string Protocol);
