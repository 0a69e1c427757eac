using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>The user-space programs guests need: QEMU, qemu-img, swtpm, virtiofsd and smbd.</summary>
/// <remarks>
/// Programs are found by fixed paths below the root (distribution packages install there; PATH is the caller's and
/// says nothing about a captured tree). Only QEMU is asked its version, through the injected probe.
/// </remarks>
public sealed partial class SysfsScanner
{
    // /usr/libexec/qemu-kvm is Fedora/RHEL's name for the same binary.
    private static readonly string[] QemuPaths =
        ["/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64", "/usr/libexec/qemu-system-x86_64", "/usr/libexec/qemu-kvm"];

    private static readonly string[] QemuImgPaths = ["/usr/bin/qemu-img", "/usr/local/bin/qemu-img"];

    private static readonly string[] SwtpmPaths = ["/usr/bin/swtpm", "/usr/local/bin/swtpm"];

    // The Rust virtiofsd (Debian/Fedora/Arch packages); the C one shipped with QEMU up to 7.2.
    private static readonly string[] RustVirtiofsdPaths = ["/usr/libexec/virtiofsd", "/usr/lib/virtiofsd", "/usr/bin/virtiofsd"];

    private static readonly string[] CVirtiofsdPaths = ["/usr/lib/qemu/virtiofsd"];

    private static readonly string[] SmbdPaths = ["/usr/sbin/smbd", "/usr/bin/smbd"];

    private HostTools ScanTools()
    {
        var qemuPath = FirstExisting(QemuPaths);
        var rust = FirstExisting(RustVirtiofsdPaths);
        var c = rust is null ? FirstExisting(CVirtiofsdPaths) : null;
        return new HostTools
        {
            Known = _root.DirectoryExists("/usr"),
            Qemu = qemuPath is null ? null : new ToolInfo(qemuPath, ProbeQemuVersion(qemuPath)),
            QemuCaps = qemuPath is null ? null : _versionProbe?.ProbeQemuCapabilities(_root.ToReal(qemuPath)),
            QemuImg = Tool(QemuImgPaths),
            Swtpm = Tool(SwtpmPaths),
            Virtiofsd = rust is not null ? new ToolInfo(rust, null, ToolFlavor.Rust) : c is not null ? new ToolInfo(c, null, ToolFlavor.C) : null,
            Smbd = Tool(SmbdPaths),
        };
    }

    private ToolInfo? Tool(string[] candidates) => FirstExisting(candidates) is { } path ? new ToolInfo(path, null) : null;

    private string? FirstExisting(string[] candidates)
    {
        foreach (var path in candidates)
        {
            if (_root.Exists(path) && !_root.DirectoryExists(path))
            {
                return path;
            }
        }

        return null;
    }

    // A captured tree's binaries are not this machine's: running one would report the wrong version, or run
    // something the capture's author put there. The caller injects the probe accordingly: a process probe on the
    // running system, the snapshot's recorded versions for a tree (Lodge.Cli ToolVersions.For).
    private string? ProbeQemuVersion(string hostPath)
    {
        if (_versionProbe is null)
        {
            return null;
        }

        return ParseQemuVersion(_versionProbe.Probe(_root.ToReal(hostPath)));
    }

    // "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" → "7.2.19"
    // "QEMU emulator version 9.1.0" → "9.1.0"
    internal static string? ParseQemuVersion(string? firstLine)
    {
        if (firstLine is null)
        {
            return null;
        }

        var m = QemuVersionRegex().Match(firstLine.Trim());
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^QEMU emulator version (\d+(?:\.\d+){1,3})(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex QemuVersionRegex();
}
