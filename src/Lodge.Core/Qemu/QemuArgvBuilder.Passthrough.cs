using System.Globalization;


namespace Lodge.Core.Qemu;

/// <summary>vfio-pci devices on their own pcie-root-ports, the functions of one slot together; usb-host devices.</summary>
/// <remarks>A GPU's functions share one root port at the same slot with <c>multifunction=on</c>, as on the card, so
/// drivers that look for the HDMI audio beside the GPU find it. <c>x-vga=on</c> only for SeaBIOS (legacy VGA).</remarks>
public sealed partial class QemuArgvBuilder
{
    private int _rootPorts;

    private void AddPassthrough()
    {
        if (_plan.Gpu.Mdev is { } mdev)
        {
            // GVT-g: the mediated device the runtime created; the OpRegion gives the guest driver the iGPU's tables.
            Add("-device", $"vfio-pci,sysfsdev={mdev.SysfsPath},id=gvt0,display=off,x-igd-opregion=on");
        }

        foreach (var slot in Slots(_plan.Gpu.Functions).Concat(Slots(_plan.UsbControllers)))
        {
            var port = AddRootPort();
            foreach (var address in slot)
            {
                var device = $"vfio-pci,host={address},id=hostdev{address.Bus:x2}{address.Device:x2}{address.Function},bus={port},addr=0.{address.Function}";
                if (address.Function == 0 && slot.Count > 1)
                {
                    device += ",multifunction=on";
                }

                if (_plan.Gpu.Functions.Count > 0 && address == _plan.Gpu.Functions[0])
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

    /// <summary>Addresses grouped by slot (domain, bus, device), functions in order.</summary>
    internal static IEnumerable<List<Hardware.PciAddress>> Slots(IEnumerable<Hardware.PciAddress> addresses) =>
        addresses.GroupBy(a => (a.Domain, a.Bus, a.Device)).Select(g => g.OrderBy(a => a.Function).ToList());

    private string AddRootPort()
    {
        var n = _rootPorts++;
        var id = $"rp{n}";
        Add("-device", $"pcie-root-port,id={id},bus=pcie.0,chassis={n + 1},slot={n + 1}");
        return id;
    }

    private bool NeedsXhci => _plan.Usb.Count > 0 || _plan.Input.UsbInput || (_plan.Audio.Emulated && _plan.Audio.Device == "usb");

    private void AddUsb()
    {
        if (!NeedsXhci)
        {
            return;
        }

        Add("-device", "qemu-xhci,id=xhci,p2=8,p3=8");
        foreach (var (usb, i) in _plan.Usb.Select((u, i) => (u, i)))
        {
            var match = usb.VendorId is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"vendorid=0x{v:x4},productid=0x{usb.ProductId:x4}")
                : $"hostbus={usb.HostBus},hostport={usb.HostPort}";
            Add("-device", $"usb-host,bus=xhci.0,id=usb{i},{match}");
        }
    }

}
