namespace Lodge.Core.Qemu;

/// <summary>Shared folders: vhost-user-fs to virtiofsd, or 9p. SMB needs nothing here (smbd is a helper).</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddShares()
    {
        var i = 0;
        var slot = GuestPciSlots.FirstShare;
        foreach (var share in _plan.Shares)
        {
            if (share.Protocol == "virtiofs")
            {
                Add("-chardev", $"socket,id=fs{i},path={share.Socket}");
                Add("-device", $"vhost-user-fs-pci,chardev=fs{i},tag={share.Tag},{GuestPciSlots.OnRoot(slot++)}");
            }
            else if (share.Protocol == "9p")
            {
                // -fsdev and -device rather than -virtfs, which takes no PCI address.
                Add("-fsdev", $"local,id=fsdev{i},path={share.Host},security_model=mapped-xattr");
                Add("-device", $"virtio-9p-pci,fsdev=fsdev{i},mount_tag={share.Tag},{GuestPciSlots.OnRoot(slot++)}");
            }

            i++;
        }
    }
}
