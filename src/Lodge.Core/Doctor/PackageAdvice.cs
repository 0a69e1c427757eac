using Lodge.Core.Hardware;

namespace Lodge.Core.Doctor;

/// <summary>Names the distribution package that provides a missing program, and the command that installs it.</summary>
public static class PackageAdvice
{
    /// <summary>The package providing <paramref name="tool"/> (qemu, qemu-img, ovmf, swtpm, virtiofsd, smbd) on this distribution.</summary>
    public static string PackageFor(BootInfo boot, string tool)
    {
        var family = Family(boot);
        return (tool, family) switch
        {
            ("qemu", "fedora") => "qemu-kvm",
            ("qemu", "arch") => "qemu-base",
            ("qemu", _) => "qemu-system-x86",
            ("qemu-img", "fedora") => "qemu-img",
            ("qemu-img", "arch") => "qemu-img",
            ("qemu-img", _) => "qemu-utils",
            ("ovmf", "fedora") => "edk2-ovmf",
            ("ovmf", "arch") => "edk2-ovmf",
            ("ovmf", _) => "ovmf",
            ("swtpm", "debian") => "swtpm swtpm-tools",
            ("swtpm", _) => "swtpm",
            ("virtiofsd", _) => "virtiofsd",
            ("smbd", _) => "samba",
            _ => tool,
        };
    }

    /// <summary>The install command for the packages, e.g. <c>apt-get install -y qemu-system-x86 ovmf</c>.</summary>
    public static string InstallCommand(BootInfo boot, IEnumerable<string> packages)
    {
        var list = string.Join(' ', packages);
        return Family(boot) switch
        {
            "fedora" => $"dnf install -y {list}",
            "arch" => $"pacman -S --needed {list}",
            "suse" => $"zypper install {list}",
            _ => $"apt-get install -y {list}",
        };
    }

    private static string Family(BootInfo boot)
    {
        if (boot.IsDebianLike)
        {
            return "debian";
        }

        if (boot.OsId is "fedora" or "rhel" or "centos" or "rocky" or "almalinux" || boot.OsIdLike.Contains("fedora") || boot.OsIdLike.Contains("rhel"))
        {
            return "fedora";
        }

        if (boot.OsId is "arch" or "manjaro" or "endeavouros" || boot.OsIdLike.Contains("arch"))
        {
            return "arch";
        }

        return boot.OsId is not null && (boot.OsId.Contains("suse", StringComparison.Ordinal) || boot.OsIdLike.Contains("suse")) ? "suse" : "debian";
    }
}
