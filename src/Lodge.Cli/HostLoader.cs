using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Lodge.Linux;
using Lodge.Linux.Sysfs;

namespace Lodge.Cli;

/// <summary>Reads the host under a root once and assesses every device.</summary>
public static class HostLoader
{
    /// <summary>Scans <paramref name="rootPath"/>; <paramref name="log"/> records the reads for a snapshot.</summary>
    public static (HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments) Load(string rootPath, HostAccessLog? log = null, bool probeKvm = false)
    {
        if (!Directory.Exists(rootPath))
        {
            throw new HostAccessException($"The host root '{rootPath}' is not a directory.", rootPath)
            {
                Hint = "Pass --root a directory that holds sys/ and proc/, such as an unpacked 'lodge snapshot'.",
            };
        }

        var root = new HostRoot(rootPath, log);
        var host = new SysfsScanner(root, ToolVersions.For(root), probeKvm).Scan();
        return (host, PassthroughAdvisor.Assess(host));
    }
}
