using Lodge.Core.Hardware;

namespace Lodge.Core.Doctor;

/// <summary>Says which kernel parameters enable the IOMMU for the platform, and how to set them with the host's boot loader.</summary>
public static class KernelParameterAdvice
{
    /// <summary>The parameters to add: <c>intel_iommu=on iommu=pt</c> on Intel, <c>iommu=pt</c> on AMD (its IOMMU is on by default).</summary>
    /// <remarks>The platform comes from the CPU, or from the hardware when /proc/cpuinfo is missing (<see cref="PlatformVendors"/>).</remarks>
    public static string ParametersFor(HostSnapshot host)
    {
        var wanted = new List<string>();
        if (PlatformVendors.Of(host) != PlatformVendor.Amd && !IntelIommuOn(host.Kernel))
        {
            wanted.Add("intel_iommu=on");
        }

        if (host.Kernel.CommandLineValue("iommu") is not "pt")
        {
            wanted.Add("iommu=pt");
        }

        return string.Join(' ', wanted);
    }

    /// <summary>True when <c>intel_iommu</c> holds <c>on</c> among its comma-separated options (<c>on,igfx_off</c> counts).</summary>
    public static bool IntelIommuOn(KernelInfo kernel) => Options(kernel, "intel_iommu").Contains("on");

    /// <summary>The comma-separated options of a command line parameter (<c>intel_iommu=on,igfx_off</c> gives on and igfx_off).</summary>
    public static IReadOnlyList<string> Options(KernelInfo kernel, string key) =>
        kernel.CommandLineValue(key)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>One sentence telling how to add <paramref name="parameters"/> with the boot loader found under the root.</summary>
    public static string HowToAdd(BootInfo boot, string parameters) => Edit(boot, "Add", "to", parameters);

    /// <summary>One sentence telling how to remove <paramref name="parameters"/> with the boot loader found under the root.</summary>
    public static string HowToRemove(BootInfo boot, string parameters) => Edit(boot, "Remove", "from", parameters);

    private static string Edit(BootInfo boot, string verb, string preposition, string parameters) => boot.Bootloader switch
    {
        // Proxmox VE: proxmox-boot-tool copies kernels and the command line to every ESP; nothing else reads /etc/kernel/cmdline there.
        Bootloader.SystemdBoot when boot.ProxmoxBootTool => $"{verb} '{parameters}' {preposition} /etc/kernel/cmdline, run 'proxmox-boot-tool refresh' and reboot.",
        Bootloader.Grub when boot.ProxmoxBootTool => $"{verb} '{parameters}' {preposition} GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run 'proxmox-boot-tool refresh' and reboot.",
        Bootloader.Grub when IsFedoraLike(boot) => $"Run 'grubby --update-kernel=ALL --{(verb == "Add" ? "args" : "remove-args")}=\"{parameters}\"' and reboot.",
        Bootloader.Grub when boot.OsId == "arch" || boot.OsIdLike.Contains("arch") => $"{verb} '{parameters}' {preposition} GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run 'grub-mkconfig -o /boot/grub/grub.cfg' and reboot.",
        Bootloader.Grub => $"{verb} '{parameters}' {preposition} GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, run 'update-grub' and reboot.",
        Bootloader.SystemdBoot when boot.CommandLineFile == "/etc/kernel/cmdline" => $"{verb} '{parameters}' {preposition} /etc/kernel/cmdline, run 'kernel-install add-all' (or 'reinstall-kernels') and reboot.",
        Bootloader.SystemdBoot => $"{verb} '{parameters}' {preposition} the options line of each entry in {boot.CommandLineFile ?? "/boot/loader/entries"} and reboot.",
        Bootloader.Kernelstub => $"Run 'kernelstub -{(verb == "Add" ? "a" : "d")} \"{parameters}\"' and reboot.",
        _ => $"{verb} '{parameters}' {preposition} the kernel command line of your boot loader (Lodge found none it knows under the root) and reboot.",
    };

    private static bool IsFedoraLike(BootInfo boot) =>
        boot.OsId is "fedora" or "rhel" or "centos" or "rocky" or "almalinux" || boot.OsIdLike.Contains("fedora") || boot.OsIdLike.Contains("rhel");
}
