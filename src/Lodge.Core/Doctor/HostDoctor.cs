using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Doctor;

/// <summary>Examines a host snapshot and writes the go/no-go report.</summary>
/// <remarks>
/// Exit codes: 2 when guests cannot run here because KVM is known to be missing; otherwise 0 when at least one
/// GPU can be passed through (verdict isolated or with-companions) and 1 when none can. When the tree cannot show
/// whether KVM exists (a dump without /dev and without CPU flags), KVM counts as unknown, not missing.
/// </remarks>
public static partial class HostDoctor
{
    /// <summary>Builds the report.</summary>
    public static DoctorReport Examine(HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        var kvm = KvmAvailable(host);
        var sections = new List<DoctorSection>
        {
            Virtualization(host, kvm),
            Iommu(host),
        };
        sections.AddRange(Candidates(host, assessments));
        sections.Add(Topology(host));
        sections.Add(Memory(host));
        sections.Add(Software(host));

        var gpus = assessments.Where(a => a.Kind == DeviceKind.Gpu).ToList();
        var passable = gpus.Where(g => g.IsPassable).ToList();
        string verdict;
        int exit;
        if (kvm == false)
        {
            verdict = $"No-go: guests cannot run here because KVM is missing ({KvmReason(host)}).";
            exit = 2;
        }
        else if (passable.Count > 0)
        {
            var names = string.Join(", ", passable.Select(g => $"'{g.Device.Address}'"));
            var handoff = passable.Any(g => g.Device.BootVga == true) ? " (the boot VGA through a single-GPU handoff)" : string.Empty;
            var run = kvm == true ? "guests can run" : "KVM could not be checked in this tree";
            verdict = passable.Count == 1
                ? $"Go: {run}, and 1 GPU can be passed through: {names}{handoff}."
                : $"Go: {run}, and {passable.Count} GPUs can be passed through: {names}{handoff}.";
            exit = 0;
        }
        else
        {
            var why = host.IommuGroups.Count == 0 ? "the IOMMU is off" : gpus.Count == 0 ? "there is no GPU" : "every GPU shares its IOMMU group";
            var kvmNote = kvm is null ? "KVM could not be checked; " : string.Empty;
            verdict = $"Partial: {kvmNote}guests can run with emulated graphics, but no GPU can be passed through because {why}.";
            exit = 1;
        }

        return new DoctorReport(sections, gpus, verdict, exit) { Topology = host.Topology };
    }

    /// <summary>True when /dev/kvm exists; false when it is known missing (or the CPU lacks vmx/svm); null when the tree cannot tell.</summary>
    public static bool? KvmAvailable(HostSnapshot host)
    {
        // kvm_pvm (PVM) runs KVM guests without VT-x/AMD-V, inside hosts that are themselves virtual machines.
        var pvm = host.Kernel.IsModuleLoaded("kvm_pvm") == true;
        if (host.Kernel.KvmProbe is { } probe)
        {
            // QEMU's own answer beats every inference from files.
            return probe == "ok";
        }

        if (host.Kernel.KvmDevice is { } dev)
        {
            return dev && (pvm || host.Cpu.HasVirtualization != false);
        }

        if (host.Kernel.IsModuleLoaded("kvm") == true)
        {
            // kvm without vmx, svm or kvm_pvm in the tree: a paravirtual KVM the tree may not show.
            return host.Cpu.HasVirtualization == false && !pvm ? null : true;
        }

        return host.Cpu.HasVirtualization == false ? false : null;
    }

    private static string KvmReason(HostSnapshot host)
    {
        if (host.Kernel.KvmProbe is { } probe && probe != "ok")
        {
            return $"/dev/kvm exists, but {probe.TrimEnd('.')}";
        }

        if (host.Kernel.KvmDevice == true && host.Cpu.HasVirtualization == false)
        {
            return "/dev/kvm exists, but the CPU shows neither vmx nor svm and no kvm_pvm module is loaded, so KVM cannot create guests";
        }

        if (host.Cpu.HasVirtualization == false)
        {
            return host.Cpu.IsHypervisorGuest == true
                ? "the CPU shows neither vmx nor svm because this host is itself a virtual machine without nested virtualization"
                : "the CPU shows neither vmx nor svm";
        }

        return "/dev/kvm does not exist";
    }
}
