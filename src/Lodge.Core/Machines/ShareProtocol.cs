namespace Lodge.Core.Machines;

/// <summary>How a folder is shared with a guest; the TOML word of each is <see cref="TomlWords.Word(ShareProtocol)"/>.</summary>
public enum ShareProtocol
{
    /// <summary>virtio-fs through a virtiofsd helper (<c>virtiofs</c>).</summary>
    Virtiofs,

    /// <summary>virtio-9p inside QEMU (<c>9p</c>).</summary>
    NineP,

    /// <summary>An SMB share from a private smbd (<c>smb</c>).</summary>
    Smb,
}
