namespace Lodge.Linux.Processes;

/// <summary>Asks a program for its version by running <c>PROGRAM --version</c> (5 s timeout) and keeping the first line.</summary>
public sealed class ProcessToolVersionProbe : Sysfs.IToolVersionProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly IProcessRunner _runner;

    /// <summary>Creates a probe that starts real processes.</summary>
    public ProcessToolVersionProbe()
        : this(new ProcessRunner())
    {
    }

    /// <summary>Creates a probe over <paramref name="runner"/>.</summary>
    public ProcessToolVersionProbe(IProcessRunner runner)
    {
        _runner = runner;
    }

    /// <inheritdoc/>
    public Lodge.Core.Hardware.QemuCapabilities? ProbeQemuCapabilities(string qemuRealPath) => new QemuCapabilityProbe(_runner).Probe(qemuRealPath);

    /// <inheritdoc/>
    public string? ProbeKvm(string qemuRealPath) => File.Exists("/dev/kvm") ? Runtime.KvmProbe.Check(qemuRealPath) : null;

    /// <inheritdoc/>
    public string? Probe(string realPath)
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
