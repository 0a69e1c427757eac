using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Lodge.Linux;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Core.Tests.Machines;

/// <summary>Scans each fixture host once per test run.</summary>
internal static class FixtureHosts
{
    private static readonly Dictionary<string, (HostSnapshot, IReadOnlyList<DeviceAssessment>)> Cache = [];

    public static (HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments) Load(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var loaded))
            {
                var host = new SysfsScanner(new HostRoot(RepoPaths.Host(name))).Scan();
                loaded = (host, PassthroughAdvisor.Assess(host));
                Cache[name] = loaded;
            }

            return loaded;
        }
    }
}
