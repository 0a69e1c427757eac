namespace Lodge.Core.Setup;

/// <summary>The program that builds the host's initramfs, from the configuration found under the root.</summary>
internal enum InitramfsBuilder
{
    /// <summary>None Lodge knows.</summary>
    None,

    /// <summary>Debian and Ubuntu: <c>/etc/initramfs-tools</c>, <c>update-initramfs</c>, <c>mkinitramfs</c>.</summary>
    InitramfsTools,

    /// <summary>Arch: <c>/etc/mkinitcpio.conf</c>, <c>mkinitcpio</c>.</summary>
    Mkinitcpio,

    /// <summary>Fedora and RHEL: <c>/etc/dracut.conf(.d)</c>, <c>dracut</c>.</summary>
    Dracut,
}
