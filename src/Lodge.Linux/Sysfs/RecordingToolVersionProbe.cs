namespace Lodge.Linux.Sysfs;

/// <summary>Asks an inner probe and remembers each answer by host path, so a snapshot can carry program versions.</summary>
public sealed class RecordingToolVersionProbe(IToolVersionProbe inner, HostRoot root) : IToolVersionProbe
{
    private readonly Dictionary<string, string> _answers = new(StringComparer.Ordinal);

    /// <summary>The answers so far, keyed by host-view path.</summary>
    public IReadOnlyDictionary<string, string> Answers => _answers;

    /// <summary>The manifest key of the KVM answer.</summary>
    public const string KvmKey = "kvm";

    /// <summary>The manifest key saying the KVM answer came from the per-boot cache, so a replay says so too.</summary>
    public const string KvmCachedKey = "kvm-cached";

    /// <inheritdoc/>
    public bool LastKvmProbeCached => inner.LastKvmProbeCached;

    /// <inheritdoc/>
    public string? ProbeKvm(string qemuRealPath)
    {
        var answer = inner.ProbeKvm(qemuRealPath);
        if (answer is not null)
        {
            _answers[KvmKey] = answer;
            if (inner.LastKvmProbeCached)
            {
                _answers[KvmCachedKey] = "true";
            }
        }

        return answer;
    }

    /// <inheritdoc/>
    public string? Probe(string realPath)
    {
        var answer = inner.Probe(realPath);
        if (answer is not null)
        {
            var hostPath = root.IsSystemRoot ? realPath : realPath[root.Path.Length..];
            _answers[hostPath] = answer;
        }

        return answer;
    }
}
