namespace Lodge.Core.Qemu;

/// <summary>Disks and CD-ROMs: virtio-blk and virtio-scsi on the I/O thread, NVMe, and SATA on q35's AHCI.</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddStorage()
    {
        var sata = 0;
        var scsi = false;
        var slot = GuestPciSlots.FirstDisk;
        foreach (var disk in _plan.Disks)
        {
            if (disk.IsCdrom)
            {
                // format=raw: an ISO is never probed (a crafted image header could otherwise make QEMU open other host files).
                Add("-drive", $"if=none,id={disk.Id},media=cdrom,format=raw,readonly=on,file={disk.Path}");
                Add("-device", $"ide-cd,drive={disk.Id},bus=ide.{sata++},bootindex={disk.BootIndex}");
                continue;
            }

            Add("-drive", $"if=none,id={disk.Id},format={disk.Format},discard=unmap,file={disk.Path}");
            switch (disk.Bus)
            {
                case "virtio":
                    Add("-device", $"virtio-blk-pci,drive={disk.Id},iothread=io0,bootindex={disk.BootIndex},{GuestPciSlots.OnRoot(slot++)}");
                    break;
                case "scsi":
                    if (!scsi)
                    {
                        Add("-device", $"virtio-scsi-pci,id=scsi0,iothread=io0,{GuestPciSlots.OnRoot(GuestPciSlots.Scsi)}");
                        scsi = true;
                    }

                    Add("-device", $"scsi-hd,drive={disk.Id},bus=scsi0.0,bootindex={disk.BootIndex}");
                    break;
                case "nvme":
                    Add("-device", $"nvme,drive={disk.Id},serial=lodge-{disk.Id},bootindex={disk.BootIndex},{GuestPciSlots.OnRoot(slot++)}");
                    break;
                default:
                    Add("-device", $"ide-hd,drive={disk.Id},bus=ide.{sata++},bootindex={disk.BootIndex}");
                    break;
            }
        }
    }
}
