using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Assesses every PCI device of a host: its kind, its verdict and the findings that matter for passthrough.</summary>
public static partial class PassthroughAdvisor
{
    /// <summary>The ACS override and its cost, named (never recommended) wherever a group is shared.</summary>
    public const string AcsOverrideNote =
        "The pcie_acs_override=downstream,multifunction kernel parameter (patched kernels only) would split the group, but it lets the split devices reach each other's memory, so Lodge does not recommend it.";

    /// <summary>Assesses every device, in address order. Devices that are not candidates get kind "other" and no verdict.</summary>
    public static IReadOnlyList<DeviceAssessment> Assess(HostSnapshot host)
    {
        var result = new List<DeviceAssessment>(host.PciDevices.Count);
        foreach (var device in host.PciDevices.OrderBy(d => d.Address))
        {
            result.Add(Assess(host, device));
        }

        return result;
    }

    /// <summary>Assesses one device.</summary>
    public static DeviceAssessment Assess(HostSnapshot host, PciDevice device)
    {
        var kind = DeviceKinds.Of(device.Class);
        if (kind == DeviceKind.Other)
        {
            return new DeviceAssessment(device, kind, null, [], [], []);
        }

        var membership = IommuAnalyzer.Classify(host, device);
        var findings = new List<Finding>();
        AddGroupFindings(host, device, kind, membership, findings);
        AddAcsFindings(host, device, findings);
        if (kind == DeviceKind.Gpu)
        {
            AddGpuFindings(host, device, findings);
        }

        AddResetFindings(device, kind, findings);
        if (kind == DeviceKind.Usb)
        {
            AddUsbInputFindings(host, device, findings);
        }

        AddDriverFindings(device, findings);
        return new DeviceAssessment(device, kind, membership.Verdict, membership.Companions, membership.Blockers, findings);
    }

    /// <summary>"'0000:00:14.0' (USB controller, driver xhci_hcd)": an address with what it is and what holds it.</summary>
    public static string DescribeMember(HostSnapshot host, PciAddress address)
    {
        var d = host.FindDevice(address);
        if (d is null)
        {
            return $"'{address}' (not present in /sys/bus/pci)";
        }

        var what = DeviceKinds.Describe(d.Class);
        var driver = !d.DriverKnown ? "driver unknown" : d.Driver is null ? "no driver" : $"driver {d.Driver}";
        return $"'{address}' ({what}, {driver})";
    }

    private static void AddGroupFindings(HostSnapshot host, PciDevice device, DeviceKind kind, GroupMembership membership, List<Finding> findings)
    {
        if (membership.Verdict is null && host.IommuGroups.Count > 0)
        {
            findings.Add(NoGroupFinding(host, device));
            return;
        }

        if (membership.Blockers.Count > 0)
        {
            var names = string.Join(", ", membership.Blockers.Select(b => DescribeMember(host, b)));
            findings.Add(new Finding(Severity.Error, "shared-group", $"IOMMU group {device.IommuGroup} also holds {names}, which would all have to go to the guest with '{device.Address}'.", SharedGroupFix(host, device, kind)));
            foreach (var critical in membership.Blockers.Where(b => IommuAnalyzer.IsHostCritical(host.FindDevice(b)?.Class)))
            {
                findings.Add(new Finding(Severity.Error, "host-critical", $"{DescribeMember(host, critical)} {WhyHostCritical(host.FindDevice(critical)!.Class)}, so it can never go to a guest, and '{device.Address}' cannot go without it.", null));
            }
        }

        if (membership.Companions.Count > 0)
        {
            var names = string.Join(", ", membership.Companions.Select(c => DescribeMember(host, c)));
            var whose = DevicePlacement.IsOnboard(host, device) == true ? $"slot {device.Address.Slot}" : "the card";
            findings.Add(new Finding(Severity.Info, "companions", $"The other functions of {whose}, {names}, go to the guest together with '{device.Address}'.", null));
        }
    }

    private static string WhyHostCritical(PciClass? cls) => cls switch
    {
        { Code: 0x0601 } => "is the host's ISA/LPC bridge, which its firmware, TPM, sensors and legacy devices hang off: a guest that took it would hang the host",
        { Code: 0x0c05 } => "is the host's SMBus controller, through which it reads its memory modules and sensors",
        _ => "is a storage controller, which may hold the host's own disks: a guest that took it would take those disks",
    };

    // A device without a group while others have one: intel_iommu=igfx_off leaves the Intel iGPU out; otherwise the firmware's
    // DMAR/IVRS tables do not cover it.
    private static Finding NoGroupFinding(HostSnapshot host, PciDevice device)
    {
        var intelIommu = host.Kernel.CommandLineValue("intel_iommu")?.Split(',') ?? [];
        if (device.VendorId == 0x8086 && device.Class is { IsGpu: true } && intelIommu.Contains("igfx_off"))
        {
            var value = string.Join(',', intelIommu.Where(o => o != "igfx_off"));
            var fix = value.Length == 0
                ? "Remove 'intel_iommu=igfx_off' from the kernel command line to put the iGPU under the IOMMU, then reboot."
                : $"Change 'intel_iommu={string.Join(',', intelIommu)}' to 'intel_iommu={value}' on the kernel command line to put the iGPU under the IOMMU, then reboot.";
            return new Finding(Severity.Warning, "no-group", $"'{device.Address}' is in no IOMMU group because the kernel command line has intel_iommu=igfx_off, which leaves the integrated GPU out of the IOMMU, so it cannot be given to a guest.", fix);
        }

        var (table, log) = PlatformVendors.Of(host) switch
        {
            PlatformVendor.Amd => ("IVRS", "'AMD-Vi'"),
            PlatformVendor.Intel => ("DMAR", "'DMAR'"),
            _ => ("DMAR or IVRS", "'DMAR' or 'AMD-Vi'"),
        };
        return new Finding(Severity.Warning, "no-group", $"'{device.Address}' is in no IOMMU group although other devices are, so the IOMMU does not cover it (the firmware's {table} table leaves it out) and it cannot be given to a guest.", $"Look for the device in the kernel log's {log} lines, and for a firmware update or setting that covers it.");
    }

    private static string SharedGroupFix(HostSnapshot host, PciDevice device, DeviceKind kind)
    {
        var onboard = DevicePlacement.IsOnboard(host, device);
        var moveCard = "Move the card to a slot wired to the CPU, or look for an ACS setting in the firmware setup.";
        var instead = kind switch
        {
            DeviceKind.Usb => "Put a USB controller card in a slot wired to the CPU and pass that instead, or pass single USB devices (usb.devices).",
            DeviceKind.Audio => "Give the guest emulated audio (audio.device = \"hda\") or a USB audio device instead.",
            DeviceKind.Network => "Give the guest virtio networking (network.mode) instead, or a network card in a slot wired to the CPU.",
            _ => "Use gpu.mode = \"virtio\" instead, or a card in a slot wired to the CPU.",
        };
        return onboard switch
        {
            true => $"'{device.Address}' is built into the board and cannot move. {instead} {AcsOverrideNote}",
            false => $"{moveCard} {AcsOverrideNote}",
            _ => $"If it is a card, move it to a slot wired to the CPU; a controller built into the board cannot move: {char.ToLowerInvariant(instead[0])}{instead[1..]} {AcsOverrideNote}",
        };
    }

    private static void AddAcsFindings(HostSnapshot host, PciDevice device, List<Finding> findings)
    {
        foreach (var bridgeAddress in device.ParentBridges)
        {
            var bridge = host.FindDevice(bridgeAddress);
            if (bridge?.Config is { AcsKnownMissing: true })
            {
                findings.Add(new Finding(Severity.Warning, "acs-missing", $"The port '{bridgeAddress}' above '{device.Address}' has no ACS capability, so the kernel puts everything below it in one IOMMU group.", $"Use a slot behind a port with ACS (usually one wired to the CPU). {AcsOverrideNote}"));
            }
            else if (bridge?.Config?.Acs is { IsolationEnabled: false })
            {
                findings.Add(new Finding(Severity.Warning, "acs-disabled", $"The port '{bridgeAddress}' above '{device.Address}' has ACS but not all of its isolation controls are enabled.", "Look for an ACS setting in the firmware setup and enable it."));
            }
        }
    }

    private static void AddDriverFindings(PciDevice device, List<Finding> findings)
    {
        if (device.Driver is "vfio-pci")
        {
            findings.Add(new Finding(Severity.Info, "vfio-bound", $"'{device.Address}' is already bound to vfio-pci, so the host does not use it.", null));
        }
    }
}
