namespace Lodge.Linux.Processes;

/// <summary>What QEMU answered about itself, kept per binary: its <c>--version</c> line, and the KVM probe's "ok" per boot.</summary>
/// <remarks>
/// One file per binary identity (path, size, modification time), <c>qemu-KEY.facts</c> in the same folder as the
/// capability cache, with <c>version LINE</c> and <c>kvm BOOT-ID ok REVISION</c> lines (the revision of the probe's question). A QEMU upgrade changes the key, a
/// reboot the boot id (<c>/proc/sys/kernel/random/boot_id</c>), so neither answer outlives what it was about.
/// A failure is remembered too (<c>kvmfail</c>), but only together with what fixing KVM changes: the boot, and the
/// KVM environment key (see <see cref="ProcessToolVersionProbe"/>: /dev/kvm's identity, the loaded kvm modules and
/// their nested setting), so a fix still shows at once while an unchanged broken KVM is not asked again. An unreadable or
/// unwritable cache only costs the runs it would have saved.
/// </remarks>
internal sealed class QemuFactsCache
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    // Bump when KvmProbe asks something else: an "ok" to an older question must not stand for the new one.
    private const string KvmProbeRevision = "probe=guest-code-1";
    private readonly string? _file;
    private readonly Dictionary<string, string> _facts = new(StringComparer.Ordinal);

    private QemuFactsCache(string? file)
    {
        _file = file;
        if (file is null)
        {
            return;
        }

        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0)
                {
                    _facts[line[..space]] = line[(space + 1)..];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing cached yet, or not readable: ask QEMU.
        }
    }

    /// <summary>The cache for the binary at <paramref name="realPath"/>; an empty one that keeps nothing when the binary cannot be stat'ed.</summary>
    public static QemuFactsCache For(string realPath)
    {
        try
        {
            var info = new FileInfo(realPath);
            if (!info.Exists)
            {
                return new QemuFactsCache(null);
            }

            var key = CacheKey.Of($"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}");
            return new QemuFactsCache(Path.Combine(QemuCapabilityProbe.CacheDir(), $"qemu-{key}.facts"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new QemuFactsCache(null);
        }
    }

    /// <summary>The cache file of this binary, or null when nothing can be kept.</summary>
    public string? FilePath => _file;

    /// <summary>The version line remembered for this binary, or null.</summary>
    public string? Version => _facts.GetValueOrDefault("version");

    /// <summary>True when this binary ran a KVM guest earlier in this boot.</summary>
    public bool KvmOkThisBoot => BootId() is { } boot && _facts.GetValueOrDefault("kvm") == $"{boot} ok {KvmProbeRevision}";

    /// <summary>The failure the KVM probe gave earlier in this boot in the same KVM environment, or null.</summary>
    public string? KvmFailureThisBoot(string environment)
    {
        var prefix = BootId() is { } boot ? $"{boot} {KvmProbeRevision} {environment} " : null;
        return prefix is not null && _facts.GetValueOrDefault("kvmfail") is { } line && line.StartsWith(prefix, StringComparison.Ordinal)
            ? line[prefix.Length..]
            : null;
    }

    /// <summary>Remembers a failing KVM probe for this boot and KVM environment.</summary>
    public void SaveKvmFailure(string environment, string answer)
    {
        if (BootId() is { } boot)
        {
            Save("kvmfail", $"{boot} {KvmProbeRevision} {environment} {answer.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Remembers the version line.</summary>
    public void SaveVersion(string line) => Save("version", line.ReplaceLineEndings(" "));

    /// <summary>Remembers that KVM worked in this boot.</summary>
    public void SaveKvmOk()
    {
        if (BootId() is { } boot)
        {
            Save("kvm", $"{boot} ok {KvmProbeRevision}");
        }
    }

    private void Save(string name, string value)
    {
        _facts[name] = value;
        if (_file is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temp = _file + ".tmp-" + Environment.ProcessId;
            File.WriteAllLines(temp, _facts.Select(f => f.Key + " " + f.Value));
            File.Move(temp, _file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written is only slower.
        }
    }

    private static string? BootId()
    {
        try
        {
            var id = File.ReadAllText(BootIdPath).Trim();
            return id.Length > 0 ? id : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
