using System.Globalization;


namespace Lodge.Core.Qemu;

/// <summary>vfio-pci devices on their own pcie-root-ports, the functions of one slot together; usb-host devices.</summary>
/// <remarks>A GPU's functions (its HDMI audio, USB-C, UCSI) share one root port as functions of one guest slot: the
/// card at function 0 with <c>multifunction=on</c>, the others at 1, 2, ... as on the card, so drivers that look for
/// the audio beside the GPU find it and cards that reset all functions together can. <c>x-vga=on</c> only for SeaBIOS
/// (legacy VGA). Root ports sit at fixed slots (<see cref="GuestPciSlots"/>).</remarks>
public sealed partial class QemuArgvBuilder
{
    private void AddPassthrough()
    {
        if (_plan.Gpu.Mdev is { } mdev)
        {
            // GVT-g: the mediated device the runtime created; the OpRegion gives the guest driver the iGPU's tables.
            Add("-device", $"vfio-pci,sysfsdev={mdev.SysfsPath},id=gvt0,display=off,x-igd-opregion=on,{GuestPciSlots.OnRoot(GuestPciSlots.Mdev)}");
        }

        foreach (var slot in GuestSlots(_plan))
        {
            var port = AddRootPort(slot.PortIndex);
            foreach (var (address, function) in slot.Functions)
            {
                var device = $"vfio-pci,host={address},id=hostdev{address.Bus:x2}{address.Device:x2}{address.Function},{GuestPciSlots.BelowPort(port, function)}";
                if (function == 0 && slot.Functions.Count > 1)
                {
                    device += ",multifunction=on";
                }

                if (slot.IsGpu && function == 0)
                {
                    if (!_plan.Firmware.Uefi)
                    {
                        device += ",x-vga=on";
                    }

                    device += _plan.Gpu.RomFile is { } rom ? $",romfile={rom}" : _plan.Gpu.RomBar ? "" : ",rombar=0";
                }

                Add("-device", device);
            }
        }
    }

    /// <summary>One passed guest slot: its root port (0 for the GPU, 1.. for USB controllers), and each host function
    /// with its guest function number.</summary>
    internal sealed record GuestSlot(int PortIndex, bool IsGpu, IReadOnlyList<(Hardware.PciAddress Host, int Function)> Functions)
    {
        /// <summary>The root port's slot on pcie.0.</summary>
        public int PortSlot => IsGpu ? GuestPciSlots.GpuPort : GuestPciSlots.FirstControllerPort + PortIndex - 1;
    }

    /// <summary>The passed PCI devices by guest slot: the GPU's functions in one (card first), each USB controller's
    /// host slot in its own, functions numbered as on the host.</summary>
    internal static IReadOnlyList<GuestSlot> GuestSlots(Planning.MachinePlan plan)
    {
        var result = new List<GuestSlot>();
        if (plan.Gpu.Functions.Count > 0)
        {
            result.Add(new GuestSlot(0, true, [.. plan.Gpu.Functions.Select((a, i) => (a, i))]));
        }

        var n = 1;
        foreach (var slot in plan.UsbControllers.GroupBy(a => (a.Domain, a.Bus, a.Device)).Select(g => g.OrderBy(a => a.Function).ToList()))
        {
            if (n > GuestPciSlots.ControllerPortCount)
            {
                throw new ConfigException($"The machine '{plan.Machine.Name}' passes more than {GuestPciSlots.ControllerPortCount} USB controller slots, more than Lodge has guest slots for.") { Hint = "Remove a [[usb]] controller entry." };
            }

            result.Add(new GuestSlot(n++, false, [.. slot.Select(a => (a, a.Function))]));
        }

        return result;
    }

    private string AddRootPort(int index)
    {
        var id = $"rp{index}";
        var slot = index == 0 ? GuestPciSlots.GpuPort : GuestPciSlots.FirstControllerPort + index - 1;
        Add("-device", string.Create(CultureInfo.InvariantCulture, $"pcie-root-port,id={id},chassis={index + 1},port=0x{0x10 + index:x},{GuestPciSlots.OnRoot(slot)}"));
        return id;
    }

    private void AddUsb()
    {
        // Always there, so 'lodge usb attach' works on every machine, even one with no display and no evdev input.
        Add("-device", $"qemu-xhci,id=xhci,p2=8,p3=8,{GuestPciSlots.OnRoot(GuestPciSlots.Xhci)}");
        foreach (var (usb, i) in _plan.Usb.Select((u, i) => (u, i)))
        {
            var match = usb.VendorId is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"vendorid=0x{v:x4},productid=0x{usb.ProductId:x4}")
                : $"hostbus={usb.HostBus},hostport={usb.HostPort}";
            Add("-device", $"usb-host,bus=xhci.0,id=usb{i},{match}");
        }
    }
}
