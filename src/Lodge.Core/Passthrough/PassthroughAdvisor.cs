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
        AddGroupFindings(host, device, membership, findings);
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

    private static void AddGroupFindings(HostSnapshot host, PciDevice device, GroupMembership membership, List<Finding> findings)
    {
        if (membership.Verdict is null && host.IommuGroups.Count > 0)
        {
            findings.Add(new Finding(Severity.Warning, "no-group", $"'{device.Address}' belongs to no IOMMU group, so it cannot be given to a guest.", "Check that the IOMMU covers this device (kernel log 'AMD-Vi' or 'DMAR' lines)."));
            return;
        }

        if (membership.Blockers.Count > 0)
        {
            var names = string.Join(", ", membership.Blockers.Select(b => DescribeMember(host, b)));
            findings.Add(new Finding(Severity.Error, "shared-group", $"IOMMU group {device.IommuGroup} also holds {names}, which would all have to go to the guest with '{device.Address}'.", $"Move the card to a slot wired to the CPU, or look for an ACS setting in the firmware setup. {AcsOverrideNote}"));
        }

        if (membership.Companions.Count > 0)
        {
            var names = string.Join(", ", membership.Companions.Select(c => DescribeMember(host, c)));
            findings.Add(new Finding(Severity.Info, "companions", $"The other functions of the card, {names}, go to the guest together with '{device.Address}'.", null));
        }
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
