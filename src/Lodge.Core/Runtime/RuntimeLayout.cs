namespace Lodge.Core.Runtime;

/// <summary>Where a guest's files live: runtime files (sockets, pids, the saved argv) in <c>/run/lodge/&lt;name&gt;</c>,
/// persistent ones (disks by default, NVRAM, TPM state) in <c>/var/lib/lodge/&lt;name&gt;</c>.</summary>
public sealed record RuntimeLayout(string RunDir, string StateDir)
{
    /// <summary>The default layout for a machine below the given run and state roots.</summary>
    public static RuntimeLayout For(string name, string runRoot = "/run/lodge", string stateRoot = "/var/lib/lodge") =>
        new($"{runRoot.TrimEnd('/')}/{name}", $"{stateRoot.TrimEnd('/')}/{name}");
}
