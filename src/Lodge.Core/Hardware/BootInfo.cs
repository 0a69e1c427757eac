namespace Lodge.Core.Hardware;

/// <summary>How the host boots and which distribution it runs, from /etc and /boot.</summary>
public sealed record BootInfo
{
    public Bootloader Bootloader { get; init; } = Bootloader.Unknown;

    /// <summary>The file where kernel parameters are set (host view), e.g. <c>/etc/default/grub</c>.</summary>
    public string? CommandLineFile { get; init; }

    /// <summary><c>ID</c> from /etc/os-release (debian, ubuntu, fedora, arch, pop, ...).</summary>
    public string? OsId { get; init; }

    /// <summary><c>ID_LIKE</c> from /etc/os-release.</summary>
    public IReadOnlyList<string> OsIdLike { get; init; } = [];

    public string? OsPrettyName { get; init; }

    /// <summary>Whether the host booted through UEFI (<c>/sys/firmware/efi</c> exists); null when unknown.</summary>
    public bool? Efi { get; init; }

    /// <summary>A <c>lodge setup</c> trial entry is waiting for <c>lodge setup --confirm</c> (<c>/etc/grub.d/42_lodge_trial</c> or a <c>lodge-trial.conf</c> loader entry).</summary>
    public bool SetupTrialPending { get; init; }

    /// <summary>The host boots through Proxmox VE's <c>proxmox-boot-tool</c> (<c>/etc/kernel/proxmox-boot-uuids</c> exists, or the
    /// command line loads its initrd from <c>\EFI\proxmox\</c>): parameters go to <see cref="CommandLineFile"/> and need
    /// <c>proxmox-boot-tool refresh</c>.</summary>
    public bool ProxmoxBootTool { get; init; }

    /// <summary>True for Debian and derivatives (apt).</summary>
    public bool IsDebianLike => OsId is "debian" or "ubuntu" || OsIdLike.Contains("debian") || OsIdLike.Contains("ubuntu");
}
