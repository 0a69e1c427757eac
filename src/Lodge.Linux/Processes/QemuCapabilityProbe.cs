using Lodge.Core.Hardware;

namespace Lodge.Linux.Processes;

/// <summary>Asks the installed QEMU which machine types (<c>-machine help</c>) and x86 CPU properties
/// (<c>-device max-x86_64-cpu,help</c>) it has, and caches the answer per binary (path, size and change time).</summary>
/// <remarks>
/// The cache lives in <c>/var/cache/lodge</c> as root, else in <c>$XDG_CACHE_HOME/lodge</c> (or <c>~/.cache/lodge</c>),
/// as one file per binary: <c>machine NAME</c> and <c>cpu NAME</c> lines. A QEMU upgrade changes the binary, so the key,
/// so the answer is asked again. An unwritable cache only costs the two runs (about 40 ms) each time.
/// </remarks>
public sealed class QemuCapabilityProbe(IProcessRunner runner)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>What <paramref name="qemuRealPath"/> offers, or null when it cannot be asked.</summary>
    public QemuCapabilities? Probe(string qemuRealPath)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(qemuRealPath);
            if (!info.Exists)
            {
                return null;
            }
        }
        catch (IOException)
        {
            return null;
        }

        var key = CacheKey.Of($"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}");
        var cache = Path.Combine(CacheDir(), $"qemu-{key}.caps");
        if (Read(cache) is { } cached)
        {
            return cached;
        }

        var machines = Run(qemuRealPath, ["-machine", "help"]);
        var cpu = Run(qemuRealPath, ["-machine", "none", "-nodefaults", "-display", "none", "-device", "max-x86_64-cpu,help"]);
        if (machines is null || cpu is null)
        {
            return null;
        }

        var caps = new QemuCapabilities(ParseMachines(machines), ParseCpuProperties(cpu));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllLines(cache, [.. caps.MachineTypes.Select(m => "machine " + m), .. caps.CpuProperties.Select(p => "cpu " + p)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written is only slower.
        }

        return caps;
    }

    // "pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)" and "q35                  Standard PC ... (alias of pc-q35-7.2)"
    internal static IReadOnlyList<string> ParseMachines(string text) =>
        [.. text.Split('\n').Skip(1).Select(l => l.Split(' ', 2)[0].Trim()).Where(n => n.Length > 0)];

    // "  hv-tlbflush=<bool>     - on/off (default: false)"
    internal static IReadOnlyList<string> ParseCpuProperties(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).Where(n => n.Length > 0 && !n.Contains(' ', StringComparison.Ordinal))];

    private string? Run(string qemu, IReadOnlyList<string> args)
    {
        try
        {
            var result = runner.Run(qemu, args, Timeout);
            return result.TimedOut || result.ExitCode != 0 ? null : result.StandardOutput;
        }
        catch (HostProcessException)
        {
            return null;
        }
    }

    private static QemuCapabilities? Read(string file)
    {
        try
        {
            var lines = File.ReadAllLines(file);
            var machines = lines.Where(l => l.StartsWith("machine ", StringComparison.Ordinal)).Select(l => l[8..]).ToList();
            var cpu = lines.Where(l => l.StartsWith("cpu ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
            return machines.Count > 0 ? new QemuCapabilities(machines, cpu) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where QEMU answers are cached: <c>/var/cache/lodge</c> as root, else the user's cache folder.</summary>
    internal static string CacheDir()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/cache/lodge";
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return Path.Combine(xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "lodge");
    }
}
