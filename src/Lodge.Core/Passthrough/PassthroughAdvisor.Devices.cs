using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Findings that depend on what kind of device it is.</summary>
public static partial class PassthroughAdvisor
{
    private static void AddGpuFindings(HostSnapshot host, PciDevice device, List<Finding> findings)
    {
        if (device.BootVga == true)
        {
            findings.Add(new Finding(Severity.Warning, "boot-vga", $"'{device.Address}' is the boot VGA, so the host draws its console on it and a guest can only have it through a single-GPU handoff.", BootVgaFix(host, device)));
        }

        if (device.Class is { Is3dController: true })
        {
            findings.Add(new Finding(Severity.Info, "3d-controller", $"'{device.Address}' is a 3D controller without display outputs of its own, as a laptop's discrete GPU is, so a guest renders on it but shows its picture elsewhere.", "Use display.type = \"looking-glass\" (with a virtual display adapter or dummy plug in the guest) or a remote desktop in the guest; 'lodge new' sets Looking Glass up."));
            if (host.Platform.GpuMuxMode is { } mux)
            {
                findings.Add(new Finding(Severity.Info, "gpu-mux", mux == 0
                    ? $"The firmware's GPU MUX wires the panel to the discrete GPU now, so the host's own screen depends on '{device.Address}': giving it to a guest takes the host's screen, as a single-GPU handoff does."
                    : $"The firmware's GPU MUX wires the panel to the integrated GPU (hybrid mode), so the host keeps its screen while a guest has '{device.Address}'.",
                    mux == 0 ? "Switch the MUX to hybrid (asusctl or the firmware setup) and reboot before passing the discrete GPU." : null));
            }
        }

        AddIntelIgpuFindings(device, findings);
        if (AmdApu.Is(device))
        {
            var vfct = host.Platform.HasAcpiTable("VFCT") switch
            {
                true => "the firmware keeps it in the ACPI VFCT table (/sys/firmware/acpi/tables/VFCT), not in a ROM the guest can read",
                false => "the firmware keeps it in an ACPI VFCT table, which this host does not show",
                null => "the firmware keeps it in the ACPI VFCT table, not in a ROM the guest can read",
            };
            findings.Add(new Finding(Severity.Warning, "amd-apu", $"'{device.Address}' is the graphics of an AMD APU: a guest needs its video BIOS, and {vfct}; it also often fails to reset after a guest used it.", "Extract the vBIOS from the VFCT table into a file and set gpu.rom to it (a UEFI guest also needs the matching GOP driver), and expect to reboot the host before the guest can start again."));
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

        if (device.MdevTypes.Count > 0 && IntelGraphics.Of(device) is not IntelIgpuGeneration.GvtG)
        {
            var types = string.Join(", ", device.MdevTypes.Select(t => t.Name is null ? t.Id : $"{t.Id} ({t.Name})"));
            findings.Add(new Finding(Severity.Info, "mdev", $"'{device.Address}' offers mediated devices (Intel GVT-g or vGPU): {types}.", "Use gpu.mode = \"gvt-g\" to give a guest a slice of it while the host keeps it."));
        }

        if (device.SriovTotalVfs is > 0)
        {
            findings.Add(new Finding(Severity.Info, "sriov", $"'{device.Address}' supports {device.SriovTotalVfs} SR-IOV virtual functions.", null));
        }
    }

    // "Make another GPU the primary display" only when there is another GPU with display outputs (a VGA controller; a
    // laptop's 3D controller has none).
    private static string BootVgaFix(HostSnapshot host, PciDevice device)
    {
        var other = host.PciDevices.FirstOrDefault(d => d.Address != device.Address && d.Class is { IsVga: true } && !d.Address.IsSameSlot(device.Address));
        if (other is null)
        {
            return "Use gpu.mode = \"handoff\": it is the host's only GPU with display outputs, so the host's screen goes dark while the guest runs and comes back after.";
        }

        var igpu = IntelGraphics.Of(other) is not IntelIgpuGeneration.None || AmdApu.Is(other);
        return igpu
            ? $"Use gpu.mode = \"handoff\", or make the integrated GPU '{other.Address}' the primary display in the firmware setup (with a monitor on the board's outputs) and pass this one as a dedicated GPU."
            : $"Use gpu.mode = \"handoff\", or make '{other.Address}' the primary display in the firmware setup and pass this one as a dedicated GPU.";
    }

    private static void AddIntelIgpuFindings(PciDevice device, List<Finding> findings)
    {
        switch (IntelGraphics.Of(device))
        {
            case IntelIgpuGeneration.GvtG when device.MdevTypes.Count > 0:
                var types = string.Join(", ", device.MdevTypes.Select(t => t.Name is null ? t.Id : $"{t.Id} ({t.Name})"));
                findings.Add(new Finding(Severity.Info, "mdev", $"'{device.Address}' offers mediated devices (Intel GVT-g): {types}.", "Use gpu.mode = \"gvt-g\" to give a guest a slice of it while the host keeps it."));
                break;
            case IntelIgpuGeneration.GvtG:
                findings.Add(new Finding(Severity.Info, "gvt-g", $"'{device.Address}' is an Intel iGPU of a generation with GVT-g (Broadwell to Comet Lake): a guest can get a slice of it while the host keeps it, once i915.enable_gvt=1 and the kvmgt module create its mediated types.", "Set gpu.mode = \"gvt-g\" in the machine and run 'lodge setup --for NAME', which adds i915.enable_gvt=1 and loads kvmgt."));
                break;
            case IntelIgpuGeneration.Gen11:
                findings.Add(new Finding(Severity.Info, "no-gvt-g", $"'{device.Address}' is an Intel Gen11 iGPU: GVT-g ended with Comet Lake and this generation has no SR-IOV, so a guest cannot share it.", "Use gpu.mode = \"virtio\", or a discrete GPU for the guest."));
                break;
            case IntelIgpuGeneration.Gen12OrLater:
                findings.Add(new Finding(Severity.Info, "no-gvt-g", $"'{device.Address}' is an Intel Gen12 or later iGPU: GVT-g is gone; sharing it needs SR-IOV, which only a kernel with SR-IOV for i915 or xe (for example i915-sriov-dkms, in host and guest) offers.", "Use gpu.mode = \"virtio\", or build SR-IOV support and pass a virtual function."));
                break;
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
