using System.Xml.Linq;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;

namespace Lodge.Core.Libvirt;

/// <summary>The <c>&lt;devices&gt;</c> element.</summary>
public static partial class DomainXmlWriter
{
    private static XElement Devices(MachinePlan plan)
    {
        var devices = new XElement("devices");
        AddDisks(plan, devices);
        AddNetwork(plan, devices);
        AddDisplay(plan, devices);
        AddHostdevs(plan, devices);
        AddInput(plan, devices);
        if (plan.TpmStateDir is not null)
        {
            devices.Add(new XElement("tpm", new XAttribute("model", "tpm-crb"), new XElement("backend", new XAttribute("type", "emulator"), new XAttribute("version", "2.0"))));
        }

        AddAudio(plan, devices);
        AddShares(plan, devices);
        devices.Add(new XElement("memballoon", new XAttribute("model", plan.Balloon ? "virtio" : "none")));
        return devices;
    }

    private static void AddDisks(MachinePlan plan, XElement devices)
    {
        var letters = new Dictionary<string, int>();
        string Target(string prefix) => prefix + (char)('a' + (letters[prefix] = letters.GetValueOrDefault(prefix, -1) + 1));
        if (plan.Disks.Any(d => d.Bus == "scsi" && !d.IsCdrom))
        {
            devices.Add(new XElement("controller", new XAttribute("type", "scsi"), new XAttribute("model", "virtio-scsi"), new XElement("driver", new XAttribute("iothread", 1))));
        }

        foreach (var disk in plan.Disks)
        {
            var bus = disk.IsCdrom ? "sata" : disk.Bus;
            if (bus == "nvme")
            {
                devices.Add(new XComment(" libvirt 9 has no NVMe disk bus; this disk is on SATA instead. "));
                bus = "sata";
            }

            var driver = new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", disk.Format));
            if (!disk.IsCdrom)
            {
                driver.Add(new XAttribute("discard", "unmap"));
                if (bus == "virtio")
                {
                    driver.Add(new XAttribute("iothread", 1));
                }
            }

            devices.Add(new XElement("disk", new XAttribute("type", disk.Path.StartsWith("/dev/", StringComparison.Ordinal) ? "block" : "file"), new XAttribute("device", disk.IsCdrom ? "cdrom" : "disk"),
                driver,
                new XElement("source", new XAttribute(disk.Path.StartsWith("/dev/", StringComparison.Ordinal) ? "dev" : "file", disk.Path)),
                new XElement("target", new XAttribute("dev", Target(bus == "virtio" ? "vd" : "sd")), new XAttribute("bus", bus)),
                disk.IsCdrom ? new XElement("readonly") : null,
                new XElement("boot", new XAttribute("order", disk.BootIndex))));
        }
    }

    private static void AddNetwork(MachinePlan plan, XElement devices)
    {
        var net = plan.Network;
        var iface = net.Kind switch
        {
            "user" => new XElement("interface", new XAttribute("type", "user")),
            "bridge" => new XElement("interface", new XAttribute("type", "bridge"), new XElement("source", new XAttribute("bridge", net.Interface!))),
            "tap" => new XElement("interface", new XAttribute("type", "ethernet"), new XElement("target", new XAttribute("dev", net.Interface!), new XAttribute("managed", "no"))),
            _ => null,
        };
        if (iface is null)
        {
            return;
        }

        iface.AddFirst(new XElement("mac", new XAttribute("address", net.Mac)));
        iface.Add(new XElement("model", new XAttribute("type", "virtio")));
        devices.Add(iface);
    }

    private static void AddDisplay(MachinePlan plan, XElement devices)
    {
        var display = plan.Display;
        if (display.Type is "spice" or "looking-glass" or "vnc")
        {
            var type = display.Type == "vnc" ? "vnc" : "spice";
            devices.Add(new XElement("graphics", new XAttribute("type", type), new XElement("listen", new XAttribute("type", "socket"), new XAttribute("socket", display.Socket!))));
            if (type == "spice")
            {
                devices.Add(new XElement("channel", new XAttribute("type", "spicevmc"), new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", "com.redhat.spice.0"))));
            }
        }

        var model = display.Video switch
        {
            "virtio-vga" => "virtio",
            "VGA" => "vga",
            _ => "none",
        };
        devices.Add(new XElement("video", new XElement("model", new XAttribute("type", model))));
        if (display.LookingGlassPath is not null)
        {
            // libvirt maps shmem 'looking-glass' to /dev/shm/looking-glass, the path the QEMU argv uses.
            devices.Add(new XElement("shmem", new XAttribute("name", "looking-glass"), new XElement("model", new XAttribute("type", "ivshmem-plain")), new XElement("size", new XAttribute("unit", "M"), display.LookingGlassMiB)));
        }
    }

    private static void AddHostdevs(MachinePlan plan, XElement devices)
    {
        if (plan.Gpu.Mdev is { } mdev)
        {
            // GVT-g: libvirt does not create mediated devices; 'mdevctl' (or lodge up) must have made this UUID.
            devices.Add(new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "mdev"), new XAttribute("managed", "no"), new XAttribute("model", "vfio-pci"), new XAttribute("display", "off"),
                new XElement("source", new XElement("address", new XAttribute("uuid", mdev.Uuid)))));
        }

        // One pcie-root-port per slot, as in the argv, so a GPU's functions stay together as one multifunction device.
        var index = 1;
        foreach (var slot in QemuArgvBuilder.Slots(plan.Gpu.Functions).Concat(QemuArgvBuilder.Slots(plan.UsbControllers)))
        {
            var port = index++;
            devices.Add(new XElement("controller", new XAttribute("type", "pci"), new XAttribute("index", port), new XAttribute("model", "pcie-root-port")));
            foreach (var address in slot)
            {
                var hostdev = new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "pci"), new XAttribute("managed", "yes"),
                    new XElement("source", PciAddress(address)));
                if (plan.Gpu.Functions.Count > 0 && address == plan.Gpu.Functions[0])
                {
                    if (plan.Gpu.RomFile is { } rom)
                    {
                        hostdev.Add(new XElement("rom", new XAttribute("file", rom)));
                    }
                    else if (!plan.Gpu.RomBar)
                    {
                        hostdev.Add(new XElement("rom", new XAttribute("bar", "off")));
                    }
                }

                var guest = new XElement("address", new XAttribute("type", "pci"), new XAttribute("domain", "0x0000"), new XAttribute("bus", Hex(port, 2)), new XAttribute("slot", "0x00"), new XAttribute("function", Hex(address.Function, 1)));
                if (address.Function == 0 && slot.Count > 1)
                {
                    guest.Add(new XAttribute("multifunction", "on"));
                }

                hostdev.Add(guest);
                devices.Add(hostdev);
            }
        }

        if (plan.Usb.Count > 0 || plan.Input.UsbInput || (plan.Audio.Emulated && plan.Audio.Device == "usb"))
        {
            devices.Add(new XElement("controller", new XAttribute("type", "usb"), new XAttribute("model", "qemu-xhci"), new XAttribute("ports", 15)));
        }

        foreach (var usb in plan.Usb)
        {
            if (usb.VendorId is not { } vendor)
            {
                devices.Add(new XComment($" USB port {usb.HostBus}-{usb.HostPort}: libvirt selects host USB devices by id or bus/device number, not by port, so it is left out. "));
                continue;
            }

            devices.Add(new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "usb"), new XAttribute("managed", "yes"),
                new XElement("source", new XElement("vendor", new XAttribute("id", Hex(vendor, 4))), new XElement("product", new XAttribute("id", Hex(usb.ProductId ?? 0, 4))))));
        }
    }

    private static XElement PciAddress(Hardware.PciAddress a) =>
        new("address", new XAttribute("domain", Hex(a.Domain, 4)), new XAttribute("bus", Hex(a.Bus, 2)), new XAttribute("slot", Hex(a.Device, 2)), new XAttribute("function", Hex(a.Function, 1)));

    private static void AddInput(MachinePlan plan, XElement devices)
    {
        var input = plan.Input;
        foreach (var kbd in input.Keyboards)
        {
            devices.Add(new XElement("input", new XAttribute("type", "evdev"), new XElement("source", new XAttribute("dev", kbd), new XAttribute("grab", "all"), new XAttribute("grabToggle", input.Toggle), new XAttribute("repeat", "on"))));
        }

        foreach (var mouse in input.Mice)
        {
            devices.Add(new XElement("input", new XAttribute("type", "evdev"), new XElement("source", new XAttribute("dev", mouse))));
        }

        var bus = input.UsbInput ? "usb" : "virtio";
        devices.Add(new XElement("input", new XAttribute("type", "keyboard"), new XAttribute("bus", bus)));
        devices.Add(new XElement("input", new XAttribute("type", input.HasEvdev && !input.UsbInput ? "mouse" : "tablet"), new XAttribute("bus", bus)));
    }

    private static void AddAudio(MachinePlan plan, XElement devices)
    {
        var audio = plan.Audio;
        if (!audio.Emulated)
        {
            return;
        }

        devices.Add(new XElement("sound", new XAttribute("model", audio.Device == "usb" ? "usb" : "ich9"), new XElement("audio", new XAttribute("id", 1))));
        var type = audio.Backend switch
        {
            "pa" => "pulseaudio",
            "pipewire" => "pulseaudio",
            var other => other,
        };
        if (audio.Backend == "pipewire")
        {
            devices.Add(new XComment(" PipeWire, written as pulseaudio: libvirt 9 has no pipewire audio type, and PipeWire serves PulseAudio clients. "));
        }

        devices.Add(new XElement("audio", new XAttribute("id", 1), new XAttribute("type", type)));
    }

    private static void AddShares(MachinePlan plan, XElement devices)
    {
        foreach (var share in plan.Shares)
        {
            var filesystem = share.Protocol switch
            {
                "virtiofs" => new XElement("filesystem", new XAttribute("type", "mount"), new XAttribute("accessmode", "passthrough"),
                    new XElement("driver", new XAttribute("type", "virtiofs")),
                    plan.Virtiofsd is { } v ? new XElement("binary", new XAttribute("path", v.Path)) : null,
                    new XElement("source", new XAttribute("dir", share.Host)),
                    new XElement("target", new XAttribute("dir", share.Tag))),
                "9p" => new XElement("filesystem", new XAttribute("type", "mount"), new XAttribute("accessmode", "mapped"),
                    new XElement("source", new XAttribute("dir", share.Host)),
                    new XElement("target", new XAttribute("dir", share.Tag))),
                _ => null,
            };
            devices.Add(filesystem ?? (object)new XComment($" Share '{share.Tag}' uses SMB through Lodge's own smbd, which libvirt cannot express; share {share.Host} from the host yourself. "));
        }
    }
}
