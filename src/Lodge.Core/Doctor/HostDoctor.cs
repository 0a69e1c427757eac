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
            var unusable = host.Kernel.KvmProbe is { } p && p != "ok";
            verdict = $"No-go: guests cannot run here because KVM is {(unusable ? "unusable" : "missing")} ({KvmReason(host)}).";
            exit = 2;
        }
        else if (QemuMissing(host))
        {
            verdict = $"No-go: guests cannot run until QEMU is installed ('{PackageAdvice.InstallCommand(host.Boot, [PackageAdvice.PackageFor(host.Boot, "qemu")])}'); whether KVM runs guest code is unknown until then.";
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
            var why = host.IommuGroups.Count == 0 ? "the IOMMU is off" : gpus.Count == 0 ? "there is no GPU" : WhyNoGpu(gpus);
            var kvmNote = kvm is null ? "KVM could not be checked; " : string.Empty;
            verdict = $"Partial: {kvmNote}guests can run with emulated graphics, but no GPU can be passed through because {why}.";
            exit = 1;
        }

        return new DoctorReport(sections, gpus, verdict, exit) { Topology = host.Topology };
    }

    /// <summary>True when KVM runs guests; false when it is known missing, or QEMU's test guest ran no code on it; null when the tree cannot tell.</summary>
    /// <remarks>On the running system (doctor, up, snapshot) QEMU starts a tiny KVM guest whose code writes a marker; only that
    /// marker counts as "KVM works" (<see cref="KernelInfo.KvmProbe"/>). /dev/kvm opening and a paused guest starting are not enough:
    /// kvm_pvm starts a paused <c>-cpu host</c> guest and then never runs a standard 64-bit kernel.</remarks>
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

    // Says which case applies to each GPU: a shared group, or no group at all (an iGPU left out of the IOMMU).
    private static string WhyNoGpu(IReadOnlyList<DeviceAssessment> gpus)
    {
        var shared = gpus.Where(g => g.Verdict == Verdict.Shared).Select(g => $"'{g.Device.Address}'").ToList();
        var noGroup = gpus.Where(g => g.Verdict is null).Select(g => $"'{g.Device.Address}'").ToList();
        var parts = new List<string>();
        if (shared.Count > 0)
        {
            parts.Add(shared.Count == gpus.Count ? "every GPU shares its IOMMU group" : $"{string.Join(", ", shared)} {(shared.Count == 1 ? "shares its" : "share their")} IOMMU group");
        }

        if (noGroup.Count > 0)
        {
            parts.Add(noGroup.Count == gpus.Count && gpus.Count > 1 ? "no GPU is in an IOMMU group" : $"{string.Join(", ", noGroup)} {(noGroup.Count == 1 ? "is" : "are")} in no IOMMU group");
        }

        return parts.Count == 0 ? "no GPU can be passed through" : string.Join(" and ", parts);
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
