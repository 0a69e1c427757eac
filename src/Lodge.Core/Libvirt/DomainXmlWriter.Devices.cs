using System.Xml.Linq;
using Lodge.Core.Machines;
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
        AddGuestAgent(plan, devices);
        AddHostdevs(plan, devices);
        AddInput(plan, devices);
        if (plan.TpmStateDir is not null)
        {
            devices.Add(new XElement("tpm", new XAttribute("model", "tpm-crb"), new XElement("backend", new XAttribute("type", "emulator"), new XAttribute("version", "2.0"))));
        }

        AddAudio(plan, devices);
        AddShares(plan, devices);
        devices.Add(new XElement("memballoon", new XAttribute("model", plan.Balloon ? "virtio" : "none"), plan.Balloon ? RootAddress(GuestPciSlots.Balloon) : null));
        return devices;
    }

    private static void AddDisks(MachinePlan plan, XElement devices)
    {
        var letters = new Dictionary<string, int>();
        var slot = GuestPciSlots.FirstDisk;
        string Target(string prefix) => prefix + (char)('a' + (letters[prefix] = letters.GetValueOrDefault(prefix, -1) + 1));
        if (plan.Disks.Any(d => d.Bus == "scsi" && !d.IsCdrom))
        {
            devices.Add(new XElement("controller", new XAttribute("type", "scsi"), new XAttribute("model", "virtio-scsi"), new XElement("driver", new XAttribute("iothread", 1)), RootAddress(GuestPciSlots.Scsi)));
        }

        foreach (var disk in plan.Disks)
        {
            var bus = disk.IsCdrom ? "sata" : disk.Bus;
            XElement? address = null;
            if (bus == "nvme")
            {
                devices.Add(new XComment($" {NvmeCompromise(disk)} "));
                bus = "sata";
                slot++;
            }
            else if (bus == "virtio" && !disk.IsCdrom)
            {
                address = RootAddress(slot++);
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
                new XElement("boot", new XAttribute("order", disk.BootIndex)),
                address));
        }
    }

    private static void AddNetwork(MachinePlan plan, XElement devices)
    {
        var net = plan.Network;
        var iface = net.Kind switch
        {
            NetworkKind.User => new XElement("interface", new XAttribute("type", "user")),
            NetworkKind.Bridge => new XElement("interface", new XAttribute("type", "bridge"), new XElement("source", new XAttribute("bridge", net.Interface!))),
            NetworkKind.Tap => new XElement("interface", new XAttribute("type", "ethernet"), new XElement("target", new XAttribute("dev", net.Interface!), new XAttribute("managed", "no"))),
            _ => null,
        };
        if (iface is null)
        {
            return;
        }

        iface.AddFirst(new XElement("mac", new XAttribute("address", net.Mac)));
        iface.Add(new XElement("model", new XAttribute("type", "virtio")));
        iface.Add(RootAddress(GuestPciSlots.Network));
        devices.Add(iface);
    }

    // [guest] agent = true: the same virtio-serial port the argv gives qemu-ga (org.qemu.guest_agent.0), its host end
    // the unix socket in the run folder; SPICE (and Looking Glass) already added the virtio-serial controller.
    private static void AddGuestAgent(MachinePlan plan, XElement devices)
    {
        if (!plan.Machine.GuestAgent)
        {
            return;
        }

        if (plan.Display.Type is not ("spice" or "looking-glass"))
        {
            devices.Add(new XElement("controller", new XAttribute("type", "virtio-serial"), new XAttribute("index", 0), RootAddress(GuestPciSlots.Serial)));
        }

        devices.Add(new XElement(
            "channel",
            new XAttribute("type", "unix"),
            new XElement("source", new XAttribute("mode", "bind"), new XAttribute("path", QemuArgvBuilder.AgentSocketOf(plan.Layout.RunDir))),
            new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", "org.qemu.guest_agent.0"))));
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
                devices.Add(new XElement("controller", new XAttribute("type", "virtio-serial"), new XAttribute("index", 0), RootAddress(GuestPciSlots.Serial)));
                devices.Add(new XElement("channel", new XAttribute("type", "spicevmc"), new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", "com.redhat.spice.0"))));
            }
        }

        var model = display.Video switch
        {
            "virtio-vga" => "virtio",
            "VGA" => "vga",
            _ => "none",
        };
        // vram in KiB is what libvirt turns into the VGA's vgamem_mb (64 MiB in the argv).
        var modelElement = new XElement("model", new XAttribute("type", model), model == "vga" ? new XAttribute("vram", 65536) : null);
        devices.Add(new XElement("video", modelElement, model == "none" ? null : RootAddress(GuestPciSlots.Video)));
        if (display.LookingGlassPath is not null)
        {
            // libvirt maps shmem 'looking-glass' to /dev/shm/looking-glass, the path the QEMU argv uses.
            devices.Add(new XElement("shmem", new XAttribute("name", "looking-glass"), new XElement("model", new XAttribute("type", "ivshmem-plain")), new XElement("size", new XAttribute("unit", "M"), display.LookingGlassMiB), RootAddress(GuestPciSlots.Ivshmem)));
        }
    }

    private static void AddHostdevs(MachinePlan plan, XElement devices)
    {
        if (plan.Gpu.Mdev is { } mdev)
        {
            // GVT-g: libvirt does not create mediated devices; 'mdevctl' (or lodge up) must have made this UUID.
            devices.Add(new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "mdev"), new XAttribute("managed", "no"), new XAttribute("model", "vfio-pci"), new XAttribute("display", "off"),
                new XElement("source", new XElement("address", new XAttribute("uuid", mdev.Uuid))),
                RootAddress(GuestPciSlots.Mdev)));
        }

        // One pcie-root-port per guest slot at the argv's fixed slot, so a GPU's functions stay one multifunction device.
        foreach (var slot in QemuArgvBuilder.GuestSlots(plan))
        {
            var index = slot.PortIndex + 1;
            devices.Add(new XElement("controller", new XAttribute("type", "pci"), new XAttribute("index", index), new XAttribute("model", "pcie-root-port"),
                new XElement("target", new XAttribute("chassis", index), new XAttribute("port", Hex(0x10 + slot.PortIndex, 0))),
                RootAddress(slot.PortSlot)));
            foreach (var (address, function) in slot.Functions)
            {
                var hostdev = new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "pci"), new XAttribute("managed", "yes"),
                    new XElement("source", PciAddress(address)));
                if (slot.IsGpu && function == 0)
                {
                    // The alias names the device for <qemu:override> (x-vga); libvirt wants user aliases to start with "ua-".
                    hostdev.Add(new XElement("alias", new XAttribute("name", GpuAlias)));
                    if (plan.Gpu.RomFile is { } rom)
                    {
                        hostdev.Add(new XElement("rom", new XAttribute("file", rom)));
                    }
                    else if (!plan.Gpu.RomBar)
                    {
                        hostdev.Add(new XElement("rom", new XAttribute("bar", "off")));
                    }
                }

                var guest = new XElement("address", new XAttribute("type", "pci"), new XAttribute("domain", "0x0000"), new XAttribute("bus", Hex(index, 2)), new XAttribute("slot", "0x00"), new XAttribute("function", Hex(function, 1)));
                if (function == 0 && slot.Functions.Count > 1)
                {
                    guest.Add(new XAttribute("multifunction", "on"));
                }

                hostdev.Add(guest);
                devices.Add(hostdev);
            }
        }

        // Always there, as in the argv, so 'lodge usb attach' has somewhere to plug into (p2=8,p3=8).
        devices.Add(new XElement("controller", new XAttribute("type", "usb"), new XAttribute("index", 0), new XAttribute("model", "qemu-xhci"), new XAttribute("ports", 8), RootAddress(GuestPciSlots.Xhci)));
        foreach (var usb in plan.Usb)
        {
            if (usb.VendorId is not { } vendor)
            {
                devices.Add(new XComment($" {UsbPortCompromise(usb)} "));
                continue;
            }

            devices.Add(new XElement("hostdev", new XAttribute("mode", "subsystem"), new XAttribute("type", "usb"), new XAttribute("managed", "yes"),
                new XElement("source", new XElement("vendor", new XAttribute("id", Hex(vendor, 4))), new XElement("product", new XAttribute("id", Hex(usb.ProductId ?? 0, 4))))));
        }
    }

    /// <summary>The alias of the passed GPU's function 0 in the domain XML.</summary>
    internal const string GpuAlias = "ua-gpu";

    private static XElement PciAddress(Hardware.PciAddress a) =>
        new("address", new XAttribute("domain", Hex(a.Domain, 4)), new XAttribute("bus", Hex(a.Bus, 2)), new XAttribute("slot", Hex(a.Device, 2)), new XAttribute("function", Hex(a.Function, 1)));

    private static XElement RootAddress(int slot) =>
        new("address", new XAttribute("type", "pci"), new XAttribute("domain", "0x0000"), new XAttribute("bus", "0x00"), new XAttribute("slot", Hex(slot, 2)), new XAttribute("function", "0x0"));

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

        var usb = input.UsbInput;
        var bus = usb ? "usb" : "virtio";
        devices.Add(new XElement("input", new XAttribute("type", "keyboard"), new XAttribute("bus", bus), usb ? null : RootAddress(GuestPciSlots.Keyboard)));
        devices.Add(new XElement("input", new XAttribute("type", input.HasEvdev && !usb ? "mouse" : "tablet"), new XAttribute("bus", bus), usb ? null : RootAddress(GuestPciSlots.Pointer)));
    }

    private static void AddAudio(MachinePlan plan, XElement devices)
    {
        var audio = plan.Audio;
        if (!audio.Emulated)
        {
            return;
        }

        var usb = audio.Device == "usb";
        devices.Add(new XElement("sound", new XAttribute("model", usb ? "usb" : "ich9"), new XElement("audio", new XAttribute("id", 1)), usb ? null : RootAddress(GuestPciSlots.Sound)));
        var type = audio.Backend switch
        {
            "pa" => "pulseaudio",
            "pipewire" => "pulseaudio",
            var other => other,
        };
        if (audio.Backend == "pipewire")
        {
            devices.Add(new XComment($" {PipeWireCompromise} "));
        }

        devices.Add(new XElement("audio", new XAttribute("id", 1), new XAttribute("type", type)));
    }

    private static void AddShares(MachinePlan plan, XElement devices)
    {
        var slot = GuestPciSlots.FirstShare;
        foreach (var share in plan.Shares)
        {
            var filesystem = share.Protocol switch
            {
                "virtiofs" => new XElement("filesystem", new XAttribute("type", "mount"), new XAttribute("accessmode", "passthrough"),
                    new XElement("driver", new XAttribute("type", "virtiofs")),
                    plan.Virtiofsd is { } v ? new XElement("binary", new XAttribute("path", v.Path)) : null,
                    new XElement("source", new XAttribute("dir", share.Host)),
                    new XElement("target", new XAttribute("dir", share.Tag)),
                    RootAddress(slot++)),
                "9p" => new XElement("filesystem", new XAttribute("type", "mount"), new XAttribute("accessmode", "mapped"),
                    new XElement("source", new XAttribute("dir", share.Host)),
                    new XElement("target", new XAttribute("dir", share.Tag)),
                    RootAddress(slot++)),
                _ => null,
            };
            devices.Add(filesystem ?? (object)new XComment($" {SmbCompromise(share)} "));
        }
    }
}
