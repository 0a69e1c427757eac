using Lodge.Core.Hardware;

namespace Lodge.Core.Doctor;

/// <summary>Says which kernel parameters enable the IOMMU for a CPU vendor, and how to set them with the host's boot loader.</summary>
public static class KernelParameterAdvice
{
    /// <summary>The parameters to add: <c>intel_iommu=on iommu=pt</c> on Intel, <c>iommu=pt</c> on AMD (its IOMMU is on by default).</summary>
    public static string ParametersFor(CpuInfo cpu, KernelInfo kernel)
    {
        var wanted = new List<string>();
        if (!cpu.IsAmd && kernel.CommandLineValue("intel_iommu") is not "on")
        {
            wanted.Add("intel_iommu=on");
        }

        if (kernel.CommandLineValue("iommu") is not "pt")
        {
            wanted.Add("iommu=pt");
        }

        return string.Join(' ', wanted);
    }

    /// <summary>One sentence telling how to add <paramref name="parameters"/> with the boot loader found under the root.</summary>
    public static string HowToAdd(BootInfo boot, string parameters) => boot.Bootloader switch
    {
        Bootloader.Grub when IsFedoraLike(boot) => $"Run 'grubby --update-kernel=ALL --args=\"{parameters}\"' and reboot.",
        Bootloader.Grub when boot.OsId == "arch" || boot.OsIdLike.Contains("arch") => $"Add '{parameters}' to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run 'grub-mkconfig -o /boot/grub/grub.cfg' and reboot.",
        Bootloader.Grub => $"Add '{parameters}' to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run 'update-grub' and reboot.",
        Bootloader.SystemdBoot when boot.CommandLineFile == "/etc/kernel/cmdline" => $"Add '{parameters}' to /etc/kernel/cmdline, run 'kernel-install add-all' (or 'reinstall-kernels') and reboot.",
        Bootloader.SystemdBoot => $"Add '{parameters}' to the options line of each entry in {boot.CommandLineFile ?? "/boot/loader/entries"} and reboot.",
        Bootloader.Kernelstub => $"Run 'kernelstub -a \"{parameters}\"' and reboot.",
        _ => $"Add '{parameters}' to the kernel command line of your boot loader (Lodge found none it knows under the root) and reboot.",
    };

    private static bool IsFedoraLike(BootInfo boot) =>
        boot.OsId is "fedora" or "rhel" or "centos" or "rocky" or "almalinux" || boot.OsIdLike.Contains("fedora") || boot.OsIdLike.Contains("rhel");
}
