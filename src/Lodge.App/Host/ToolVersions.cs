using Lodge.Linux;
using Lodge.Linux.Processes;
using Lodge.Linux.Sysfs;

namespace Lodge.App.Host;

/// <summary>Chooses how program versions are learned: by asking the programs on the real system, from the manifest in a snapshot.</summary>
public static class ToolVersions
{
    /// <summary>The probe for a root. Programs are only ever run on the system root, never from a captured tree; their answers are cached (QEMU's version per binary, a working KVM per boot).</summary>
    public static IToolVersionProbe? For(HostRoot root) =>
        root.IsSystemRoot ? new ProcessToolVersionProbe(cacheAnswers: true) : new SnapshotToolVersionProbe(root);
}
