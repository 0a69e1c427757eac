namespace Lodge.Core.Qemu;

/// <summary>Shared folders: vhost-user-fs to virtiofsd, or 9p. SMB needs nothing here (smbd is a helper).</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddShares()
    {
        var i = 0;
        foreach (var share in _plan.Shares)
        {
            if (share.Protocol == "virtiofs")
            {
                Add("-chardev", $"socket,id=fs{i},path={share.Socket}");
                Add("-device", $"vhost-user-fs-pci,chardev=fs{i},tag={share.Tag}");
            }
            else if (share.Protocol == "9p")
            {
                Add("-virtfs", $"local,path={share.Host},mount_tag={share.Tag},security_model=mapped-xattr,id=fs{i}");
            }

            i++;
        }
    }
}
