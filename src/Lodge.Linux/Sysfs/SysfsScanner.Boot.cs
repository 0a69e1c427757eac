using System.Text;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>The distribution (os-release), the boot loader that owns the kernel command line, and UEFI.</summary>
public sealed partial class SysfsScanner
{
    private const string KernelstubConfig = "/etc/kernelstub/configuration";
    private const string GrubDefaults = "/etc/default/grub";
    private const string KernelCmdlineFile = "/etc/kernel/cmdline";

    // The Boot Loader Specification's type #1 entry directories, in the order bootctl looks at mount points.
    private static readonly string[] LoaderEntryDirs = ["/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries"];

    private BootInfo ScanBoot()
    {
        // os-release(5): /etc/os-release wins; /usr/lib/os-release is the fallback.
        var osRelease = ParseOsRelease(_root.ReadText("/etc/os-release") ?? _root.ReadText("/usr/lib/os-release"));
        var (bootloader, commandLineFile) = DetectBootloader();
        var proxmox = _root.Exists("/etc/kernel/proxmox-boot-uuids")
            || (_root.ReadAttribute("/proc/cmdline")?.Contains("initrd=\\EFI\\proxmox\\", StringComparison.OrdinalIgnoreCase) ?? false);
        if (proxmox && (_root.Exists(KernelCmdlineFile) || bootloader != Bootloader.Grub))
        {
            // proxmox-boot-tool copies kernels to the ESPs and writes systemd-boot entries from /etc/kernel/cmdline; its
            // hosts keep an /etc/default/grub that those boots never read.
            (bootloader, commandLineFile) = (Bootloader.SystemdBoot, KernelCmdlineFile);
        }

        return new BootInfo
        {
            ProxmoxBootTool = proxmox,
            Bootloader = bootloader,
            CommandLineFile = commandLineFile,
            OsId = osRelease.GetValueOrDefault("ID"),
            OsIdLike = osRelease.GetValueOrDefault("ID_LIKE")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            OsPrettyName = osRelease.GetValueOrDefault("PRETTY_NAME"),
            // Every booted kernel has /sys/firmware (memmap, acpi, dmi); a tree without it never captured the answer.
            Efi = _root.DirectoryExists("/sys/firmware") ? _root.DirectoryExists("/sys/firmware/efi") : null,
            SetupTrialPending = _root.Exists("/etc/grub.d/42_lodge_trial") || LoaderEntryDirs.Any(d => _root.Exists(d + "/lodge-trial.conf")),
        };
    }

    // Pop!_OS runs systemd-boot but regenerates its entries with kernelstub, so kernelstub is asked first. Fedora
    // keeps BLS entries in /boot/loader/entries under GRUB, so entries alone do not mean systemd-boot: any
    // /etc/default/grub means GRUB.
    private (Bootloader Bootloader, string? CommandLineFile) DetectBootloader()
    {
        if (_root.Exists(KernelstubConfig))
        {
            return (Bootloader.Kernelstub, KernelstubConfig);
        }

        var hasGrub = _root.Exists(GrubDefaults);
        var hasCmdline = _root.Exists(KernelCmdlineFile) && !_root.DirectoryExists(KernelCmdlineFile);
        var entriesDir = LoaderEntryDirs.FirstOrDefault(d => _root.ListDirectory(d).Any(n => n.EndsWith(".conf", StringComparison.Ordinal)));
        if (!hasGrub && (entriesDir is not null || hasCmdline))
        {
            return (Bootloader.SystemdBoot, hasCmdline ? KernelCmdlineFile : entriesDir);
        }

        return hasGrub ? (Bootloader.Grub, GrubDefaults) : (Bootloader.Unknown, null);
    }

    // os-release(5): shell-style assignments, values optionally quoted; double quotes allow \" \\ \$ \` escapes.
    //   PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
    //   ID=debian
    //   ID_LIKE="rhel centos fedora"
    internal static IReadOnlyDictionary<string, string> ParseOsRelease(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is null)
        {
            return result;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }

            var value = Unquote(line[(eq + 1)..].Trim(), out var ok);
            if (ok && value.Length > 0)
            {
                result[line[..eq].Trim()] = value;
            }
        }

        return result;

        static string Unquote(string value, out bool ok)
        {
            ok = true;
            if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
            {
                return value;
            }

            var quote = value[0];
            if (value.Length < 2 || value[^1] != quote)
            {
                ok = false;
                return value;
            }

            var inner = value[1..^1];
            if (quote == '\'')
            {
                return inner;
            }

            var sb = new StringBuilder(inner.Length);
            for (var i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] is '"' or '\\' or '$' or '`')
                {
                    i++;
                }

                sb.Append(inner[i]);
            }

            return sb.ToString();
        }
    }
}
