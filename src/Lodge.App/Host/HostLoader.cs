using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Lodge.Linux;
using Lodge.Linux.Sysfs;

namespace Lodge.App.Host;

/// <summary>Reads the host under a root once, as much of it as the command shows (<see cref="ScanScope"/>), and assesses every device.</summary>
public static class HostLoader
{
    /// <summary>Scans <paramref name="rootPath"/>; <paramref name="log"/> records the reads for a snapshot; <paramref name="scope"/>
    /// limits the reads to what the caller shows (everything by default).</summary>
    public static (HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments) Load(string rootPath, HostAccessLog? log = null, bool probeKvm = false, ScanScope scope = ScanScope.Everything)
    {
        if (!Directory.Exists(rootPath))
        {
            throw new HostAccessException($"The host root '{rootPath}' is not a directory.", rootPath)
            {
                Hint = "Pass --root a directory that holds sys/ and proc/, such as an unpacked 'lodge snapshot'.",
            };
        }

        var root = new HostRoot(rootPath, log);
        var host = new SysfsScanner(root, scope.HasFlag(ScanScope.Tools) ? ToolVersions.For(root) : null, probeKvm).Scan(scope);
        return (host, PassthroughAdvisor.Assess(host));
    }
}
