namespace Lodge.Linux.Processes;

/// <summary>Asks a program for its version by running <c>PROGRAM --version</c> (5 s timeout) and keeping the first line.</summary>
public sealed class ProcessToolVersionProbe : Sysfs.IToolVersionProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly IProcessRunner _runner;
    private readonly bool _cache;

    /// <summary>Creates a probe that starts real processes.</summary>
    public ProcessToolVersionProbe()
        : this(new ProcessRunner())
    {
    }

    /// <summary>Creates a probe that starts real processes and, when <paramref name="cacheAnswers"/>, keeps their answers (see <see cref="QemuFactsCache"/>).</summary>
    public ProcessToolVersionProbe(bool cacheAnswers)
        : this(new ProcessRunner(), cacheAnswers)
    {
    }

    /// <summary>Creates a probe over <paramref name="runner"/>.</summary>
    /// <param name="runner">Starts the programs.</param>
    /// <param name="cacheAnswers">Keep the version line per binary identity and a working KVM per boot
    /// (<see cref="QemuFactsCache"/>), so later runs start no process for them.</param>
    public ProcessToolVersionProbe(IProcessRunner runner, bool cacheAnswers = false)
    {
        _runner = runner;
        _cache = cacheAnswers;
    }

    /// <inheritdoc/>
    public bool LastKvmProbeCached { get; private set; }

    /// <summary>The KVM device whose existence makes <see cref="ProbeKvm"/> run QEMU and whose identity keys its cached
    /// failure; /dev/kvm (a spec names a stand-in, so that it does not depend on the machine it runs on).</summary>
    public string KvmDevice { get; init; } = "/dev/kvm";

    /// <inheritdoc/>
    public Lodge.Core.Hardware.QemuCapabilities? ProbeQemuCapabilities(string qemuRealPath) => new QemuCapabilityProbe(_runner).Probe(qemuRealPath);

    /// <inheritdoc/>
    public string? ProbeKvm(string qemuRealPath)
    {
        LastKvmProbeCached = false;
        if (!File.Exists(KvmDevice))
        {
            return null;
        }

        var cache = _cache ? QemuFactsCache.For(qemuRealPath) : null;
        if (cache?.KvmOkThisBoot == true)
        {
            LastKvmProbeCached = true;
            return "ok";
        }

        var environment = cache is null ? null : KvmEnvironment(KvmDevice);
        if (environment is not null && cache?.KvmFailureThisBoot(environment) is { } failed)
        {
            LastKvmProbeCached = true;
            return failed;
        }

        var answer = Runtime.KvmProbe.Check(qemuRealPath);
        if (answer == "ok")
        {
            cache?.SaveKvmOk();
        }
        else if (answer is not null && environment is not null)
        {
            cache?.SaveKvmFailure(environment, answer);
        }

        return answer;
    }

    /// <summary>What a fix of KVM changes (besides a reboot): /dev/kvm's identity (created, replaced, chmod, chown),
    /// the loaded kvm modules (/proc/modules lines, with their load addresses), and the nested setting of kvm_intel
    /// and kvm_amd; hashed. Null when /dev/kvm cannot be stat'ed (then nothing is cached).</summary>
    internal static string? KvmEnvironment(string kvmDevice = "/dev/kvm")
    {
        if (Native.ChangeIdentity(kvmDevice) is not { } device)
        {
            return null;
        }

        var text = new System.Text.StringBuilder(device).Append('\n');
        try
        {
            // A container may have no /proc/modules: then /dev/kvm's identity and the boot are the key.
            foreach (var line in (File.Exists("/proc/modules") ? File.ReadLines("/proc/modules") : []).Where(l => l.StartsWith("kvm", StringComparison.Ordinal)))
            {
                text.Append(line).Append('\n');
            }

            foreach (var nested in new[] { "/sys/module/kvm_intel/parameters/nested", "/sys/module/kvm_amd/parameters/nested" }.Where(File.Exists))
            {
                text.Append(nested).Append('=').Append(File.ReadAllText(nested).Trim()).Append('\n');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return CacheKey.Of(text.ToString());
    }

    /// <inheritdoc/>
    public string? Probe(string realPath)
    {
        var cache = _cache ? QemuFactsCache.For(realPath) : null;
        if (cache?.Version is { } known)
        {
            return known;
        }

        var line = Run(realPath);
        if (line is not null)
        {
            cache?.SaveVersion(line);
        }

        return line;
    }

    private string? Run(string realPath)
    {
        ProcessResult result;
        try
        {
            result = _runner.Run(realPath, ["--version"], Timeout);
        }
        catch (HostProcessException)
        {
            return null;
        }

        if (result.TimedOut || result.ExitCode != 0)
        {
            return null;
        }

        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                return trimmed;
            }
        }

        return null;
    }
}
