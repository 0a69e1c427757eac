namespace Lodge.Core.Machines;

/// <summary>One <c>[[share]]</c>: a host folder shown to the guest.</summary>
/// <param name="Protocol"><c>auto</c>, <c>virtiofs</c>, <c>9p</c> or <c>smb</c>.</param>
/// <param name="Create"><c>create = true</c>: a missing host folder is created at <c>lodge up</c> instead of being an error.</param>
public sealed record ShareConfig(string Host, string Tag, string Protocol, bool Create = false);
