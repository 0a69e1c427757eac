using Lodge.Core.Hardware;

namespace Lodge.Core.Doctor;

/// <summary>Virtualization and IOMMU checks.</summary>
public static partial class HostDoctor
{
    private static DoctorSection Virtualization(HostSnapshot host, bool? kvm)
    {
        var cpu = host.Cpu;
        var checks = new List<DoctorCheck>
        {
            cpu.ModelName is null && cpu.VendorId is null
                ? new DoctorCheck(CheckStatus.Unknown, "CPU", "/proc/cpuinfo is missing or unreadable.")
                : new DoctorCheck(CheckStatus.Info, "CPU", $"{cpu.ModelName ?? "unknown model"} ({cpu.VendorId ?? "unknown vendor"})."),
        };

        var vendor = PlatformVendors.Of(host);
        var flagFix = cpu.IsHypervisorGuest == true
            ? "This host is itself a virtual machine: enable nested virtualization in its hypervisor."
            : vendor switch
            {
                PlatformVendor.Amd => "Enable SVM (AMD-V) in the firmware setup.",
                PlatformVendor.Intel => "Enable VT-x (Intel Virtualization Technology) in the firmware setup.",
                _ => "Enable VT-x (Intel) or SVM (AMD-V) in the firmware setup.",
            };
        var pvm = host.Kernel.IsModuleLoaded("kvm_pvm") == true;
        checks.Add(cpu.HasVirtualization switch
        {
            false when pvm => new DoctorCheck(CheckStatus.Info, "Hardware virtualization", "The CPU shows neither vmx nor svm; /dev/kvm comes from kvm_pvm, the paravirtualized KVM for hosts that are themselves virtual machines."),
            true => new DoctorCheck(CheckStatus.Ok, "Hardware virtualization", cpu.HasSvm == true ? "The CPU has svm (AMD-V)." : "The CPU has vmx (Intel VT-x)."),
            false => new DoctorCheck(CheckStatus.Fail, "Hardware virtualization", "The CPU shows neither vmx nor svm.", flagFix),
            null => new DoctorCheck(CheckStatus.Unknown, "Hardware virtualization", "/proc/cpuinfo lists no CPU flags."),
        });

        var module = vendor switch
        {
            PlatformVendor.Amd => "kvm_amd",
            PlatformVendor.Intel => "kvm_intel",
            _ => "kvm_intel or kvm_amd",
        };
        var qemuMissing = QemuMissing(host);
        checks.Add(host.Kernel.KvmDevice switch
        {
            true when host.Kernel.KvmProbe is { } probe && probe != "ok" => new DoctorCheck(CheckStatus.Fail, "KVM", $"/dev/kvm exists{(pvm ? " (kvm_pvm)" : "")}, but it does not run guest code: {probe.TrimEnd('.')}{(host.Kernel.KvmProbeCached ? " (cached answer from earlier in this boot: /dev/kvm, the kvm modules and their nested setting have not changed since)" : string.Empty)}.", pvm ? "kvm_pvm runs only guests built for it; Lodge's guests run under TCG (slow) until the machine offers VT-x/AMD-V or a working nested KVM." : flagFix),
            true when host.Kernel.KvmProbe is "ok" && host.Kernel.KvmProbeCached => new DoctorCheck(CheckStatus.Ok, "KVM", $"/dev/kvm exists{(pvm ? " (kvm_pvm)" : "")}, and a KVM guest with the host CPU ran Lodge's test code earlier in this boot (cached answer for this QEMU binary)."),
            true when host.Kernel.KvmProbe is "ok" => new DoctorCheck(CheckStatus.Ok, "KVM", $"/dev/kvm exists{(pvm ? " (kvm_pvm)" : "")}, and a KVM guest with the host CPU ran Lodge's test code."),
            true when qemuMissing => new DoctorCheck(CheckStatus.Unknown, "KVM", "/dev/kvm exists, but without QEMU Lodge cannot run the test guest that shows whether KVM runs guest code.", InstallQemu(host)),
            true when kvm == true && pvm => new DoctorCheck(CheckStatus.Ok, "KVM", "/dev/kvm exists, served by kvm_pvm (no test guest ran in this tree)."),
            true when kvm == true => new DoctorCheck(CheckStatus.Ok, "KVM", "/dev/kvm exists (no test guest ran in this tree)."),
            true => new DoctorCheck(CheckStatus.Fail, "KVM", "/dev/kvm exists, but without vmx, svm or kvm_pvm it cannot create guests.", flagFix),
            false => new DoctorCheck(CheckStatus.Fail, "KVM", "/dev/kvm does not exist, so guests would run under slow software emulation (TCG) only.", cpu.HasVirtualization == false ? flagFix : $"Load the {module} module ('modprobe {module}')."),
            null when kvm == true => new DoctorCheck(CheckStatus.Ok, "KVM", "The kvm module is loaded (this tree holds no /dev to confirm /dev/kvm)."),
            null when kvm == false => new DoctorCheck(CheckStatus.Fail, "KVM", "KVM cannot work without vmx or svm.", flagFix),
            _ when host.Kernel.IsModuleLoaded("kvm") == true => new DoctorCheck(CheckStatus.Unknown, "KVM", "The kvm module is loaded although the CPU shows neither vmx nor svm, and this tree holds no /dev to show whether /dev/kvm works."),
            _ => new DoctorCheck(CheckStatus.Unknown, "KVM", "This tree holds neither /dev nor the loaded modules, so KVM cannot be checked."),
        });

        // virt-host-validate qemu also checks /dev/vhost-net, which bridge and tap networking use to move packets in the kernel.
        if (host.Kernel.VhostNetDevice is { } vhost)
        {
            checks.Add(vhost
                ? new DoctorCheck(CheckStatus.Ok, "vhost-net", "/dev/vhost-net exists, so bridged and tap networking move packets in the kernel.")
                : new DoctorCheck(CheckStatus.Warning, "vhost-net", "/dev/vhost-net does not exist, so a guest on a bridge or tap device moves every packet through QEMU (slower); user networking does not need it.", "Load the module: 'modprobe vhost_net' (and add vhost_net to /etc/modules-load.d to keep it)."));
        }

        return new DoctorSection("Virtualization", checks);
    }

    private static DoctorSection Iommu(HostSnapshot host)
    {
        var checks = new List<DoctorCheck>();
        if (host.Boot.SetupTrialPending)
        {
            checks.Add(new DoctorCheck(CheckStatus.Warning, "Trial boot", "A kernel command line from 'lodge setup --apply' boots once on trial and is not the default yet.", "If this boot has it and works, run 'lodge setup --confirm'; otherwise run 'lodge setup --revert'."));
        }

        var parameters = KernelParameterAdvice.ParametersFor(host);
        var how = parameters.Length == 0 ? null : KernelParameterAdvice.HowToAdd(host.Boot, parameters);
        if (host.IommuEnabled == true)
        {
            checks.Add(new DoctorCheck(CheckStatus.Ok, "IOMMU", $"The IOMMU is on: the kernel shows {host.IommuGroups.Count} IOMMU groups."));
            if (host.Kernel.CommandLine is not null && host.Kernel.CommandLineValue("iommu") is not "pt")
            {
                checks.Add(new DoctorCheck(CheckStatus.Info, "iommu=pt", "The kernel command line lacks iommu=pt, which spares host devices the cost of IOMMU translation.", KernelParameterAdvice.HowToAdd(host.Boot, "iommu=pt")));
            }
        }
        else if (host.IommuEnabled == false)
        {
            var firmware = PlatformVendors.Of(host) switch
            {
                PlatformVendor.Amd => "AMD-Vi (IOMMU) and SVM",
                PlatformVendor.Intel => "VT-d",
                _ => "the IOMMU (VT-d or AMD-Vi)",
            };
            string detail;
            string fix;
            if (host.Cpu.IsHypervisorGuest == true)
            {
                detail = "The kernel shows no IOMMU groups; this host is itself a virtual machine, and its hypervisor gives it no virtual IOMMU.";
                fix = "Passthrough needs a bare-metal host, or a hypervisor that offers a vIOMMU (QEMU's intel-iommu device).";
            }
            else if (how is null)
            {
                detail = "The kernel shows no IOMMU groups although the command line asks for the IOMMU.";
                fix = $"Enable {firmware} in the firmware setup.";
            }
            else
            {
                detail = "The kernel shows no IOMMU groups, so no device can be passed through.";
                fix = $"Enable {firmware} in the firmware setup. {how}";
            }

            checks.Add(new DoctorCheck(CheckStatus.Fail, "IOMMU", detail, fix));
        }
        else
        {
            checks.Add(new DoctorCheck(CheckStatus.Unknown, "IOMMU", "This tree holds no /sys/kernel, so the IOMMU cannot be checked."));
        }

        checks.AddRange(NoOpParameters(host));
        checks.Add(host.Kernel.CommandLine is null
            ? new DoctorCheck(CheckStatus.Unknown, "Kernel command line", "/proc/cmdline is missing.")
            : new DoctorCheck(CheckStatus.Info, "Kernel command line", $"Boot loader: {BootloaderName(host.Boot)}; IOMMU parameters present: {IommuParametersPresent(host.Kernel)}."));
        return new DoctorSection("IOMMU", checks);
    }

    /// <summary>Parameters on the command line that do nothing here, each named so it can go.</summary>
    private static IEnumerable<DoctorCheck> NoOpParameters(HostSnapshot host)
    {
        // The kernel's amd_iommu= knows off, force_enable, fullflush, force_isolation, pgtbl_v1/v2 and a few more, never "on":
        // the AMD IOMMU is on by default, so amd_iommu=on is a common no-op.
        if (KernelParameterAdvice.Options(host.Kernel, "amd_iommu").Contains("on"))
        {
            yield return new DoctorCheck(CheckStatus.Info, "amd_iommu=on", "amd_iommu=on does nothing: the kernel knows no 'on' value for amd_iommu, and the AMD IOMMU is on by default.", KernelParameterAdvice.HowToRemove(host.Boot, "amd_iommu=on"));
        }

        if (PlatformVendors.Of(host) == PlatformVendor.Amd && KernelParameterAdvice.IntelIommuOn(host.Kernel))
        {
            yield return new DoctorCheck(CheckStatus.Info, "intel_iommu=on", "intel_iommu=on does nothing on this AMD platform: it only concerns Intel VT-d.", KernelParameterAdvice.HowToRemove(host.Boot, "intel_iommu=on"));
        }
    }

    private static bool QemuMissing(HostSnapshot host) => host.Tools.Known && host.Tools.Qemu is null;

    private static string InstallQemu(HostSnapshot host) =>
        $"Install QEMU: '{PackageAdvice.InstallCommand(host.Boot, [PackageAdvice.PackageFor(host.Boot, "qemu")])}'.";

    private static string BootloaderName(BootInfo boot) => boot.Bootloader switch
    {
        Bootloader.SystemdBoot when boot.ProxmoxBootTool => "systemd-boot through proxmox-boot-tool (/etc/kernel/cmdline)",
        Bootloader.Grub when boot.ProxmoxBootTool => "GRUB through proxmox-boot-tool (/etc/default/grub)",
        Bootloader.Grub => "GRUB (/etc/default/grub)",
        Bootloader.SystemdBoot => $"systemd-boot ({boot.CommandLineFile ?? "/boot/loader/entries"})",
        Bootloader.Kernelstub => "kernelstub (/etc/kernelstub/configuration)",
        _ => "none found",
    };

    private static string IommuParametersPresent(KernelInfo kernel)
    {
        var present = new List<string>();
        foreach (var key in new[] { "intel_iommu", "amd_iommu", "iommu", "vfio-pci.ids", "pcie_acs_override" })
        {
            if (kernel.CommandLineValue(key) is { } v)
            {
                present.Add(v.Length == 0 ? key : $"{key}={v}");
            }
        }

        return present.Count == 0 ? "none" : string.Join(' ', present);
    }
}
