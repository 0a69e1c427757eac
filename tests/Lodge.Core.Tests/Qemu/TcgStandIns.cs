using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Qemu;

/// <summary>
/// Turns a golden argv into one QEMU under TCG can start on a plain machine: it leaves out only what needs hardware
/// or services that are absent (VFIO devices, evdev nodes, host USB, KVM-only CPU flags, hugepages, a sound server,
/// a bridge or tap, virtiofsd), replaces missing files with stand-ins, and names every change in <see cref="LeftOut"/>.
/// </summary>
internal sealed class TcgStandIns(string scratch)
{
    public List<string> LeftOut { get; } = [];

    /// <summary>True when the test runs virtiofsd for real, so vhost-user-fs stays in.</summary>
    public bool VirtiofsdRuns { get; init; }

    /// <summary>Disk images to create before QEMU starts: path and qemu-img format.</summary>
    public List<(string Path, string Format)> Images { get; } = [];

    public List<string> Apply(IReadOnlyList<string> argv)
    {
        var result = new List<string> { argv[0] };
        for (var i = 1; i < argv.Count; i++)
        {
            var option = argv[i];
            var value = i + 1 < argv.Count && !argv[i + 1].StartsWith('-') ? argv[++i] : null;
            var kept = value is null ? option : Rewrite(option, value);
            if (kept is null)
            {
                continue;
            }

            result.Add(option);
            if (value is not null)
            {
                result.Add(kept);
            }
        }

        return result;
    }

    private string? Rewrite(string option, string value)
    {
        string? Drop(string why)
        {
            LeftOut.Add($"{option} {value}: {why}");
            return null;
        }

        switch (option)
        {
            case "-device" when value.StartsWith("vfio-pci,", StringComparison.Ordinal):
                return Drop("no VFIO device on this machine");
            case "-device" when value.StartsWith("usb-host,", StringComparison.Ordinal):
                return Drop("the host USB device is not plugged in here");
            case "-object" when value.StartsWith("input-linux,", StringComparison.Ordinal):
                return Drop("the evdev node does not exist here");
            case "-chardev" when !VirtiofsdRuns && value.StartsWith("socket,id=fs", StringComparison.Ordinal):
                return Drop("needs a running virtiofsd");
            case "-device" when !VirtiofsdRuns && value.StartsWith("vhost-user-fs-pci,", StringComparison.Ordinal):
                return Drop("its virtiofsd socket was left out");
            case "-cpu":
                return Cpu(value);
            case "-audiodev" when !value.StartsWith("none,", StringComparison.Ordinal):
                LeftOut.Add($"-audiodev {value}: no sound server here, so the backend is 'none'");
                return "none," + value.Split(',', 2)[1];
            case "-netdev" when value.StartsWith("bridge,", StringComparison.Ordinal) || value.StartsWith("tap,", StringComparison.Ordinal):
                LeftOut.Add($"-netdev {value}: no bridge or tap here, so user networking stands in");
                return "user,id=net0";
            case "-object" when value.Contains("hugetlb=on", StringComparison.Ordinal):
                LeftOut.Add($"-object {value}: no hugepages reserved here, so hugetlb and prealloc are dropped");
                return string.Join(',', value.Split(',').Where(p => !p.StartsWith("hugetlb", StringComparison.Ordinal) && p != "prealloc=on"));
            case "-object" when value.Contains("mem-path=/dev/shm/looking-glass", StringComparison.Ordinal):
                LeftOut.Add($"-object {value}: the shared-memory file is a scratch file");
                return value.Replace("/dev/shm/looking-glass", Path.Combine(scratch, "looking-glass"), StringComparison.Ordinal);
            case "-drive":
                return Drive(value);
            case "-virtfs" or "-fsdev":
                var path = Field(value, "path")!;
                if (Directory.Exists(path))
                {
                    return value;
                }

                LeftOut.Add($"{option} {value}: '{path}' does not exist here, so a scratch folder stands in");
                var dir = Directory.CreateDirectory(Path.Combine(scratch, "share")).FullName;
                return value.Replace($"path={path}", $"path={dir}", StringComparison.Ordinal);
            default:
                return value;
        }
    }

    private string Cpu(string value)
    {
        var parts = value.Split(',').ToList();
        var kvmOnly = parts.Where(p => p.StartsWith("hv_", StringComparison.Ordinal) || p.StartsWith("kvm=", StringComparison.Ordinal)).ToList();
        if (kvmOnly.Count > 0)
        {
            LeftOut.Add($"-cpu {string.Join(',', kvmOnly)}: KVM-only (TCG refuses hv_vpindex and friends)");
            parts = [.. parts.Except(kvmOnly)];
        }

        if (parts[0] == "host")
        {
            LeftOut.Add("-cpu host: TCG has no host CPU, so 'max' stands in");
            parts[0] = "max";
        }

        return string.Join(',', parts);
    }

    private string Drive(string value)
    {
        var file = Field(value, "file");
        if (file is null || File.Exists(file))
        {
            return value;
        }

        var format = Field(value, "format") ?? "raw";
        var standIn = Path.Combine(scratch, $"standin-{Images.Count}.{format}");
        Images.Add((standIn, format));
        LeftOut.Add($"-drive {value}: '{file}' does not exist here, so a small {format} image stands in");
        return value.Replace($"file={file}", $"file={standIn}", StringComparison.Ordinal);
    }

    private static string? Field(string value, string name) =>
        value.Split(',').FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    public static RuntimeLayout LayoutIn(string scratch) => new(Path.Combine(scratch, "run"), Path.Combine(scratch, "state"));
}
