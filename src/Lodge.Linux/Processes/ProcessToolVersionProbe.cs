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

    /// <inheritdoc/>
    public Lodge.Core.Hardware.QemuCapabilities? ProbeQemuCapabilities(string qemuRealPath) => new QemuCapabilityProbe(_runner).Probe(qemuRealPath);

    /// <inheritdoc/>
    public string? ProbeKvm(string qemuRealPath)
    {
        LastKvmProbeCached = false;
        if (!File.Exists("/dev/kvm"))
        {
            return null;
        }

        var cache = _cache ? QemuFactsCache.For(qemuRealPath) : null;
        if (cache?.KvmOkThisBoot == true)
        {
            LastKvmProbeCached = true;
            return "ok";
        }

        var answer = Runtime.KvmProbe.Check(qemuRealPath);
        if (answer == "ok")
        {
            cache?.SaveKvmOk();
        }

        return answer;
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
