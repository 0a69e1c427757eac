using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Findings that depend on what kind of device it is.</summary>
public static partial class PassthroughAdvisor
{
    private static void AddGpuFindings(HostSnapshot host, PciDevice device, List<Finding> findings)
    {
        if (device.BootVga == true)
        {
            findings.Add(new Finding(Severity.Warning, "boot-vga", $"'{device.Address}' is the boot VGA, so the host draws its console on it and a guest can only have it through a single-GPU handoff.", "Use gpu.mode = \"handoff\", or make another GPU the primary display in the firmware setup and pass this one as a dedicated GPU."));
        }

        if (device.Class is { Is3dController: true })
        {
            findings.Add(new Finding(Severity.Info, "3d-controller", $"'{device.Address}' is a 3D controller without display outputs of its own, as a laptop's discrete GPU is, so a guest renders on it but shows its picture elsewhere.", "Use display.type = \"looking-glass\" or a remote desktop in the guest."));
        }

        if (AmdResetBug.Family(device.VendorId, device.DeviceId) is { } family)
        {
            var loaded = host.Kernel.IsModuleLoaded("vendor_reset");
            if (loaded == true)
            {
                findings.Add(new Finding(Severity.Info, "amd-reset-bug", $"'{device.Address}' is an AMD {family} GPU, which cannot reset itself after a guest used it; vendor-reset is loaded, so Lodge sets reset_method to device_specific.", null));
            }
            else
            {
                findings.Add(new Finding(Severity.Warning, "amd-reset-bug", $"'{device.Address}' is an AMD {family} GPU, which cannot reset itself after a guest used it, and the vendor-reset module is not loaded.", "Install vendor-reset (github.com/gnif/vendor-reset, as DKMS) and load it; Lodge then sets reset_method to device_specific (kernel 5.15 or later)."));
            }
        }

        if (device.MdevTypes.Count > 0)
        {
            var types = string.Join(", ", device.MdevTypes.Select(t => t.Name is null ? t.Id : $"{t.Id} ({t.Name})"));
            findings.Add(new Finding(Severity.Info, "mdev", $"'{device.Address}' offers mediated devices (Intel GVT-g or vGPU): {types}.", "Use gpu.mode = \"gvt-g\" to give a guest a slice of it while the host keeps it."));
        }

        if (device.SriovTotalVfs is > 0)
        {
            findings.Add(new Finding(Severity.Info, "sriov", $"'{device.Address}' supports {device.SriovTotalVfs} SR-IOV virtual functions.", null));
        }
    }

    private static void AddResetFindings(PciDevice device, DeviceKind kind, List<Finding> findings)
    {
        var noReset = device.ResetMethods is { Count: 0 } || (device.ResetMethods is null && device.HasResetFile == false);
        if (!noReset || kind == DeviceKind.Other)
        {
            return;
        }

        if (AmdResetBug.Family(device.VendorId, device.DeviceId) is not null)
        {
            return;
        }

        findings.Add(new Finding(Severity.Warning, "no-reset", $"'{device.Address}' offers no reset method, so it may keep a guest's state and fail when a guest starts a second time.", "Expect to reboot the host between guest runs, or try another slot: a card alone behind its bridge gets a bus reset."));
    }

    private static void AddUsbInputFindings(HostSnapshot host, PciDevice device, List<Finding> findings)
    {
        var controller = host.UsbControllers.FirstOrDefault(c => c.Address == device.Address);
        var inputs = new List<string>();
        if (controller is not null)
        {
            foreach (var usb in controller.Buses.SelectMany(b => b.Devices))
            {
                if (usb.IsKeyboard && usb.IsMouse)
                {
                    inputs.Add($"the keyboard and mouse '{usb.DisplayName}'");
                }
                else if (usb.IsKeyboard)
                {
                    inputs.Add($"the keyboard '{usb.DisplayName}'");
                }
                else if (usb.IsMouse)
                {
                    inputs.Add($"the mouse '{usb.DisplayName}'");
                }
            }
        }

        if (inputs.Count == 0)
        {
            return;
        }

        findings.Add(new Finding(Severity.Warning, "usb-input", $"USB controller '{device.Address}' carries {string.Join(", ", inputs)}, which the host loses while a guest has the controller.", "Keep a keyboard and mouse on another controller, or pass them to the guest with evdev (input.evdev) instead."));
    }
}
