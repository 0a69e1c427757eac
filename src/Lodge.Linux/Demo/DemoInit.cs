namespace Lodge.Linux.Demo;

/// <summary>The demo guest's /init: a busybox shell script that loads the virtio, 9p and virtiofs modules, mounts the share, writes its report and powers off on the ACPI power button.</summary>
public static class DemoInit
{
    /// <summary>Modules in load order (dependencies first), as found under <c>lib/modules/VERSION/kernel</c>.</summary>
    public static readonly IReadOnlyList<string> Modules =
    [
        "drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_pci_modern_dev.ko",
        "drivers/virtio/virtio_pci_legacy_dev.ko", "drivers/virtio/virtio_pci.ko", "drivers/input/evdev.ko", "drivers/acpi/button.ko",
        "fs/netfs/netfs.ko", "fs/fscache/fscache.ko", "net/9p/9pnet.ko", "net/9p/9pnet_virtio.ko", "fs/9p/9p.ko",
        "fs/fuse/fuse.ko", "fs/fuse/virtiofs.ko",
    ];

    /// <summary>The marker the guest prints on the serial console as soon as user space runs.</summary>
    public const string UserSpaceMarker = "lodge-guest: user space";

    /// <summary>The script. Kernel parameters: <c>lodge.name=N lodge.share=9p|virtiofs [lodge.peer=OTHER]</c>.</summary>
    public const string Script = """
        #!/bin/busybox sh
        /bin/busybox mkdir -p /proc /sys /dev /mnt/share /tmp /sbin /usr/bin /usr/sbin
        /bin/busybox --install -s
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin
        mount -t proc proc /proc
        mount -t sysfs sys /sys
        mount -t devtmpfs dev /dev
        echo "lodge-guest: user space $(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0
        for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci evdev button netfs fscache 9pnet 9pnet_virtio 9p fuse virtiofs; do
          insmod /lib/modules/$m.ko 2>/dev/ttyS0 || echo "lodge-guest: insmod $m failed" > /dev/ttyS0
        done
        # Watch the power button before anything else, so that a press arriving early is not lost.
        for e in /sys/class/input/event*; do
          if grep -q "Power Button" $e/device/name 2>/dev/null; then
            ( dd if=/dev/input/${e##*/} bs=24 count=1 of=/dev/null 2>/dev/null; touch /tmp/power ) &
          fi
        done
        arg() { sed -n "s/.*lodge\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
        name=$(arg name); fs=$(arg share); peer=$(arg peer)
        if [ "$fs" = 9p ]; then
          mount -t 9p -o trans=virtio,version=9p2000.L share /mnt/share 2>/dev/ttyS0
        elif [ -n "$fs" ]; then
          mount -t virtiofs share /mnt/share 2>/dev/ttyS0
        fi
        if [ -n "$fs" ]; then
          nonce=$(cat /mnt/share/$name.nonce 2>/dev/null)
          echo "kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) nonce=$nonce share=$fs" > /mnt/share/$name.tmp
          mv /mnt/share/$name.tmp /mnt/share/$name.txt
          sync
          echo "lodge-guest: wrote /mnt/share/$name.txt" > /dev/ttyS0
        fi
        if [ -n "$peer" ]; then
          i=0
          while [ ! -f /mnt/share/$peer.txt ] && [ $i -lt 1200 ]; do usleep 100000; i=$((i+1)); done
          [ -f /mnt/share/$peer.txt ] && cat /mnt/share/$peer.txt > /mnt/share/$name.saw
          sync
        fi
        echo "lodge-guest: waiting for the ACPI power button" > /dev/ttyS0
        while [ ! -f /tmp/power ]; do usleep 50000; done
        echo "lodge-guest: power button pressed, powering off" > /dev/ttyS0
        sync
        [ -n "$fs" ] && umount /mnt/share
        poweroff -f
        """;
}
