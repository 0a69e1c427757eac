using Lodge.Core.Machines;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Demo;

/// <summary>Builds the <see cref="LaunchSpec"/> of a demo guest: the demo image, a serial console socket, QMP, an xhci controller, and one shared folder over 9p or virtiofs.</summary>
public static class DemoGuest
{
    /// <summary>The mount tag of the shared folder.</summary>
    public const string ShareTag = "share";

    /// <summary>The launch spec of guest <paramref name="name"/>.</summary>
    /// <param name="share">"9p" or "virtiofs".</param>
    /// <param name="peer">Another demo guest whose report this one waits for (the shared-folder test), or null.</param>
    /// <param name="disk">A qcow2 disk to attach (created when missing), or null.</param>
    public static LaunchSpec Spec(string name, DemoImage image, RuntimeRoots roots, string shareDir, string share, bool kvm, string? peer = null, string? disk = null)
    {
        var layout = RuntimeLayout.For(name, roots.RunRoot, roots.StateRoot);
        var run = layout.RunDir;
        var qmp = Path.Combine(run, "qmp.sock");
        var serial = Path.Combine(run, "serial.sock");
        const int memoryMiB = 256;
        var append = $"console=ttyS0 quiet panic=-1 lodge.name={name} lodge.share={share}" + (peer is null ? string.Empty : $" lodge.peer={peer}");
        var argv = new List<string>
        {
            "qemu-system-x86_64", "-name", $"guest={name}", "-machine", $"q35,accel={(kvm ? "kvm" : "tcg")}", "-cpu", kvm ? "host" : "max",
            "-smp", "1", "-m", $"{memoryMiB}M", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", image.Kernel, "-initrd", image.Initramfs, "-append", append,
            "-chardev", $"socket,id=serial0,path={serial},server=on,wait=off,logfile={Path.Combine(run, "serial.log")}",
            "-serial", "chardev:serial0",
            "-qmp", $"unix:{qmp},server=on,wait=off",
            "-device", "qemu-xhci,id=xhci",
        };
        var helpers = new List<HelperSpec>();
        if (share == "9p")
        {
            argv.AddRange(["-virtfs", $"local,path={shareDir},mount_tag={ShareTag},security_model=mapped-xattr,id=fs0"]);
        }
        else
        {
            // virtiofs needs guest RAM QEMU can share with virtiofsd (DOMAIN.md: memfd with share=on).
            var socket = Path.Combine(run, "virtiofsd-share.sock");
            argv.AddRange([
                "-object", $"memory-backend-memfd,id=mem,size={memoryMiB}M,share=on", "-numa", "node,memdev=mem",
                "-chardev", $"socket,id=fs0,path={socket}", "-device", $"vhost-user-fs-pci,chardev=fs0,tag={ShareTag}",
            ]);
            helpers.Add(new HelperSpec("virtiofsd-share", Virtiofsd(socket, shareDir), socket, new Dictionary<string, string>()));
        }

        var disks = new List<string>();
        var create = new List<DiskCreation>();
        if (disk is not null)
        {
            argv.AddRange(["-drive", $"file={disk},format=qcow2,if=virtio"]);
            disks.Add(disk);
            create.Add(new DiskCreation(disk, "qcow2", 64L * 1024 * 1024));
        }

        return new LaunchSpec(name, layout, argv, helpers, qmp, serial, disks, create, null, [])
        {
            Shares = [new SharedFolder(ShareTag, shareDir, share == "9p" ? ShareProtocol.NineP : ShareProtocol.Virtiofs)],
        };
    }

    /// <summary>virtiofsd's argv: the Rust one (<c>--shared-dir</c>) when installed, else QEMU's C one at /usr/lib/qemu/virtiofsd (<c>-o source=</c>).</summary>
    public static IReadOnlyList<string> Virtiofsd(string socket, string shareDir)
    {
        foreach (var rust in new[] { "/usr/libexec/virtiofsd", "/usr/bin/virtiofsd" })
        {
            if (File.Exists(rust))
            {
                return [rust, $"--socket-path={socket}", $"--shared-dir={shareDir}", "--sandbox=namespace"];
            }
        }

        return ["/usr/lib/qemu/virtiofsd", $"--socket-path={socket}", "-o", $"source={shareDir}", "-o", "sandbox=namespace"];
    }
}
