using Lodge.Core.Hardware;

namespace Lodge.Core.Setup;

/// <summary>The kernel command line: which parameters, where each boot loader keeps them, and the trial boot.</summary>
public static partial class SetupPlanner
{
    /// <summary>The name of the one-shot entry (GRUB menu id, BLS entry file <c>lodge-trial.conf</c>).</summary>
    public const string TrialEntryId = "lodge-trial";

    private const string GrubDefaults = "/etc/default/grub";
    private const string GrubTrialScript = "/etc/grub.d/42_lodge_trial";
    private const string KernelCmdline = "/etc/kernel/cmdline";
    private const string KernelstubConfig = "/etc/kernelstub/configuration";
    private const string CmdlineKey = "GRUB_CMDLINE_LINUX_DEFAULT";

    private static IReadOnlyList<string> PlanCommandLine(BootPlan p)
    {
        var set = p.Set;
        var wanted = WantedParameters(p.Host, p.Needs);
        var reason = wanted.Count == 0 ? Reason(p.Needs.All, "Removes the trial entry now that what it booted is the default.") : Reason(wanted.SelectMany(w => w.Reason.Machines), string.Join(" ", wanted.Select(w => w.Reason.Text).Distinct()));
        var parameters = wanted.Select(w => w.Parameter).ToList();
        var bootInfo = p.Info;
        var grubBls = bootInfo.Bootloader == Bootloader.Grub && TrialEntryDirectory(set, bootInfo) is not null;
        if (bootInfo.Bootloader == Bootloader.Grub && !grubBls)
        {
            // 10_linux writes GRUB_CMDLINE_LINUX before GRUB_CMDLINE_LINUX_DEFAULT on every entry: a parameter it holds
            // is on every boot already (the lab's intel_iommu=on iommu=pt were added a second time before).
            var always = GrubCmdlineLinux(set);
            parameters = [.. parameters.Where(w => KernelCommandLine.Missing(always, [w]).Count > 0)];
        }

        string? source = bootInfo.Bootloader switch
        {
            Bootloader.Grub when !grubBls => ReadGrubCmdline(set)?.Value,
            Bootloader.SystemdBoot when set.Exists(KernelCmdline) => set.Current(KernelCmdline)!.Trim(),
            Bootloader.Unknown => "",
            _ => DefaultEntry(set, bootInfo) is { } entry ? EntryOptions(set, entry) : FailNoEntry(set, bootInfo),
        };
        if (source is null)
        {
            return [];
        }

        var missing = KernelCommandLine.Missing(source, parameters);
        if (bootInfo.Bootloader == Bootloader.Unknown)
        {
            if (missing.Count > 0)
            {
                set.Fail(null, $"Lodge found no boot loader it knows under the root (no {GrubDefaults}, {KernelCmdline}, loader entries or {KernelstubConfig}), so it will not guess where to add '{string.Join(' ', missing)}'.", "Add those parameters to your boot loader's kernel command line yourself, reboot, and run 'lodge setup' again; the other changes are listed above.");
            }

            NoTrial(p, "Lodge knows no boot loader here, so it cannot make a trial entry");
            return missing;
        }

        if (bootInfo.ProxmoxBootTool)
        {
            // proxmox-boot-tool copies the kernels and initramfs images to every ESP it manages (not mounted) and writes
            // their entries itself, so a one-shot entry with its own initramfs cannot be made there.
            NoTrial(p, "This host boots through proxmox-boot-tool, which writes the boot entries on its ESPs itself, so Lodge cannot add a one-shot trial entry");
            if (p.Phase == SetupPhase.Confirm && (missing.Count > 0 || p.Deferred.Count > 0))
            {
                MakePermanent(p, grubBls, parameters, missing, reason);
            }

            return missing;
        }

        var usesEntries = grubBls || bootInfo.Bootloader != Bootloader.Grub;
        var entryDir = TrialEntryDirectory(set, bootInfo);
        if (usesEntries && entryDir is null)
        {
            FailNoEntry(set, bootInfo);
            return missing;
        }

        var trialPath = usesEntries ? entryDir + "/" + TrialEntryFile : GrubTrialScript;
        if (p.Phase == SetupPhase.Apply)
        {
            if (missing.Count > 0 || p.Deferred.Count > 0)
            {
                PlanTrial(p, source, parameters, reason, trialPath, grubBls);
            }

            return missing;
        }

        if (!set.Exists(trialPath))
        {
            set.Fail(trialPath, $"There is no trial boot to confirm: '{trialPath}' does not exist.", "Run 'lodge setup --apply', reboot into the trial entry, and then run 'lodge setup --confirm'.");
            return missing;
        }

        set.Set(trialPath, null, reason);
        RemoveTrialFiles(p, reason);
        MakePermanent(p, grubBls, parameters, missing, reason);
        if (bootInfo.Bootloader == Bootloader.Grub && !p.Regenerate.Any(IsGrubMkconfig))
        {
            p.Regenerate.Add(GrubMkconfig(bootInfo));
        }

        return missing;
    }

    private static bool IsGrubMkconfig(IReadOnlyList<string> command) => command[0].Contains("mkconfig", StringComparison.Ordinal) || command[0] is "update-grub" || command is ["proxmox-boot-tool", "refresh"];

    // Without a trial entry the shared files are written only at --confirm, which says so.
    private static void NoTrial(BootPlan p, string why)
    {
        if (p.Deferred.Count == 0)
        {
            return;
        }

        p.Notes.Add(p.Phase == SetupPhase.Apply
            ? $"{why}: the module options and the initramfs change for every boot entry only at 'lodge setup --confirm' ({string.Join(", ", p.Deferred.Keys)}), with no trial boot first. Keep a rescue medium at hand."
            : $"{why}: this changes every boot entry at once, with no trial boot first. Keep a rescue medium at hand.");
    }

    private static List<(string Parameter, SetupReason Reason)> WantedParameters(HostSnapshot host, SetupNeeds needs)
    {
        var wanted = new List<(string, SetupReason)>();
        if (needs.Vfio.Count > 0 || needs.GvtG.Count > 0)
        {
            var names = needs.Vfio.Select(m => m.Name).Concat(needs.GvtG).ToList();
            if (PlatformVendors.Of(host) != PlatformVendor.Amd)
            {
                wanted.Add(("intel_iommu=on", Reason(names, needs.GvtG.Count > 0 ? "Turns on the Intel IOMMU (VT-d), which passthrough and GVT-g need." : "Turns on the Intel IOMMU (VT-d), which passthrough needs.")));
            }

            wanted.Add(("iommu=pt", Reason(names, "Maps host-owned devices 1:1 (iommu=pt), so host I/O keeps its speed.")));
        }

        if (needs.GvtG.Count > 0)
        {
            wanted.Add(("i915.enable_gvt=1", Reason(needs.GvtG, "Lets i915 create GVT-g mediated device types on the iGPU, so a guest can have a slice of it.")));
        }

        if (needs.HugePages1G.Count > 0)
        {
            var pages = needs.HugePages1G.Max(h => h.Pages);
            var r = Reason(needs.HugePages1G.Select(h => h.Machine), $"Reserves {pages} hugepages of 1 GiB at boot, which only the kernel command line can do reliably.");
            wanted.Add(("default_hugepagesz=1G", r));
            wanted.Add(("hugepagesz=1G", r));
            wanted.Add(($"hugepages={pages}", r));
        }

        return wanted;
    }

    private static void PlanTrial(BootPlan p, string source, IReadOnlyList<string> parameters, SetupReason reason, string trialPath, bool grubBls)
    {
        var set = p.Set;
        var early = EarlyParameters(p);
        var line = KernelCommandLine.With(source, [.. parameters, .. early]);
        var trialReason = reason with
        {
            Machines = [.. reason.Machines.Concat(p.Deferred.Values.SelectMany(d => d.Reasons).SelectMany(r => r.Machines)).Distinct().Order(StringComparer.Ordinal)],
            Text = $"Boots '{line}' once on trial; the old entry stays the default, with its command line, initramfs and module options, until 'lodge setup --confirm'. "
                + string.Join(" ", (KernelCommandLine.Missing(source, parameters).Count == 0 ? [] : new[] { reason.Text }).Concat(p.Deferred.Values.SelectMany(d => d.Reasons).Select(r => r.Text)).Distinct()),
        };
        if (p.Info.Bootloader == Bootloader.Grub && !grubBls)
        {
            // GRUB before 2.02 needed GRUB_DEFAULT=saved for grub-reboot; every 00_header since reads next_entry whatever
            // GRUB_DEFAULT says, so /etc/default/grub stays as it is until --confirm.
            if (TrialKernel(p, null) is not { } kernel)
            {
                return;
            }

            var image = PlanTrialInitramfs(p, kernel.Version, kernel.Image, "/boot", DefaultImageName(p.Builder, kernel.Version), trialReason);
            set.SetOwned(GrubTrialScript, GrubTrialScriptText(line, kernel.Version, image is null ? null : DefaultImageName(p.Builder, kernel.Version)), trialReason, executable: true);
            if (set.Changed(GrubTrialScript) || TrialFilesChanged(p))
            {
                p.Regenerate.Add(GrubMkconfig(p.Info));
                AddTrialBoot(p, ["grub-reboot", TrialEntryId], ["grub-editenv", "-", "unset", "next_entry"]);
            }

            return;
        }

        if (DefaultEntry(set, p.Info) is not { } entry || CheckTrialOrder(p, entry, trialPath) is false)
        {
            return;
        }

        string? trialInitrd = null;
        if (NeedsTrialInitramfs(p))
        {
            if (TrialKernel(p, entry) is not { } kernel || EntryInitrd(set, entry) is not { } initrd)
            {
                if (set.Error is null)
                {
                    set.Fail(entry, $"The boot entry '{entry}' has no 'initrd' line, so setup cannot give the trial entry its own initramfs with the vfio modules.", "Bind the GPU to vfio-pci at run time instead ('[gpu] mode = \"handoff\"'), or add the modules to the entry's initramfs yourself.");
                }

                return;
            }

            var partition = EntryPartition(entry);
            var physical = initrd.StartsWith("/boot/", StringComparison.Ordinal) && partition == "/boot" ? initrd : partition + initrd;
            var slash = physical.LastIndexOf('/');
            if (PlanTrialInitramfs(p, kernel.Version, kernel.Image, physical[..slash], physical[(slash + 1)..], trialReason) is null)
            {
                return;
            }

            trialInitrd = initrd[..(initrd.LastIndexOf('/') + 1)] + TrialImagePrefix + initrd[(initrd.LastIndexOf('/') + 1)..];
        }

        WriteTrialEntry(set, p.Info, line, trialPath, trialReason, trialInitrd);
        if (set.Changed(trialPath) || TrialFilesChanged(p))
        {
            if (p.Info.Bootloader == Bootloader.Grub)
            {
                // A revert also forgets the one-shot choice, which grub2-reboot keeps in grubenv.
                AddTrialBoot(p, ["grub2-reboot", TrialEntryId], ["grub2-editenv", "-", "unset", "next_entry"]);
            }
            else
            {
                // bootctl(1): an empty string removes the one-shot entry.
                AddTrialBoot(p, ["bootctl", "set-oneshot", TrialEntryFile], ["bootctl", "set-oneshot", ""]);
            }
        }
    }

    private static void AddTrialBoot(BootPlan p, IReadOnlyList<string> command, IReadOnlyList<string> undo)
    {
        p.TrialBoot = true;
        p.Boot.Add(command);
        p.Undo.Add(undo);
    }

    private static void MakePermanent(BootPlan p, bool grubBls, IReadOnlyList<string> parameters, IReadOnlyList<string> missing, SetupReason reason)
    {
        if (missing.Count == 0)
        {
            if (p.Info.ProxmoxBootTool && p.Deferred.Count > 0)
            {
                // The rebuilt initramfs images reach the ESPs only through proxmox-boot-tool.
                p.Regenerate.Add(["proxmox-boot-tool", "refresh"]);
            }

            return;
        }

        var set = p.Set;
        var bootInfo = p.Info;
        switch (bootInfo.Bootloader)
        {
            case Bootloader.Grub:
                var current = ReadGrubCmdline(set);
                var file = current?.File ?? GrubDefaults;
                var where = file == GrubDefaults ? reason
                    : reason with { Text = $"{reason.Text} Written in '{file}', the last file that sets {CmdlineKey}: grub-mkconfig reads /etc/default/grub.d/*.cfg after /etc/default/grub, so a value in /etc/default/grub would not take effect." };
                set.Set(file, GrubVariables.Write(set.Current(file) ?? "", CmdlineKey, KernelCommandLine.With(current?.Value ?? "", parameters), quote: true), where);
                if (grubBls)
                {
                    EditAllEntries(set, bootInfo, parameters, reason);
                }

                p.Regenerate.Add(GrubMkconfig(bootInfo));
                return;
            case Bootloader.SystemdBoot when set.Exists(KernelCmdline):
                set.Set(KernelCmdline, KernelCommandLine.With(set.Current(KernelCmdline)!.Trim(), parameters) + "\n", reason);
                p.Regenerate.Add(bootInfo.ProxmoxBootTool ? ["proxmox-boot-tool", "refresh"] : ["kernel-install", "add-all"]);
                return;
            case Bootloader.SystemdBoot:
                EditAllEntries(set, bootInfo, parameters, reason);
                return;
            default:
                // kernelstub rewrites its configuration and the Pop_OS entries itself; they are backed up before it runs.
                p.Boot.Add(["kernelstub", "-a", string.Join(' ', missing)]);
                p.Touched.AddRange([KernelstubConfig, .. EntryFiles(set, bootInfo)]);
                return;
        }
    }

    /// <summary>The effective GRUB_CMDLINE_LINUX_DEFAULT and the file that sets it: grub-mkconfig sources /etc/default/grub and
    /// then /etc/default/grub.d/*.cfg in name order, so the last assignment wins. Null after recording an error.</summary>
    private static (string Value, string File)? ReadGrubCmdline(SetupChangeSet set)
    {
        var files = new[] { GrubDefaults }.Concat(set.Under(GrubDropIns).Where(f => f.EndsWith(".cfg", StringComparison.Ordinal) && f.LastIndexOf('/') == GrubDropIns.Length));
        (string Value, string File) result = ("", GrubDefaults);
        foreach (var file in files)
        {
            var text = set.Current(file) ?? "";
            var value = GrubVariables.Read(text, CmdlineKey, out var line);
            if (value is null)
            {
                set.Fail(file, $"'{file}' line {line + 1} sets {CmdlineKey} in a way setup cannot parse (an unclosed quote, a variable or a line continuation).", $"Write it as one quoted line such as {CmdlineKey}=\"quiet splash\" in '{file}' and run 'lodge setup' again.");
                return null;
            }

            if (line >= 0)
            {
                result = (value, file);
            }
        }

        return result;
    }

    /// <summary>The effective GRUB_CMDLINE_LINUX (/etc/default/grub, then /etc/default/grub.d/*.cfg, the last assignment
    /// wins); empty when none sets it or when a value cannot be parsed (setup never writes it, so it only reads it).</summary>
    private static string GrubCmdlineLinux(SetupChangeSet set)
    {
        var value = "";
        foreach (var file in new[] { GrubDefaults }.Concat(set.Under(GrubDropIns).Where(f => f.EndsWith(".cfg", StringComparison.Ordinal) && f.LastIndexOf('/') == GrubDropIns.Length)))
        {
            if (GrubVariables.Read(set.Current(file) ?? "", "GRUB_CMDLINE_LINUX", out var line) is { } v && line >= 0)
            {
                value = v;
            }
        }

        return value;
    }

    private static IReadOnlyList<string> GrubMkconfig(BootInfo boot) =>
        boot.ProxmoxBootTool ? ["proxmox-boot-tool", "refresh"]
        : boot.IsDebianLike ? ["update-grub"]
        : IsFedoraLike(boot) ? ["grub2-mkconfig", "-o", "/boot/grub2/grub.cfg"]
        : ["grub-mkconfig", "-o", "/boot/grub/grub.cfg"];

    private static bool IsFedoraLike(BootInfo boot) =>
        boot.OsId is "fedora" or "rhel" or "centos" or "rocky" or "almalinux" || boot.OsIdLike.Contains("fedora") || boot.OsIdLike.Contains("rhel");

    // grub-mkconfig runs every /etc/grub.d script in order; this one re-runs 10_linux with the trial command line, keeps
    // the entry of the kernel the trial initramfs was built for (10_linux lists the newest first), renames it, and points
    // its initrd at the trial image. An initrd line ends with the image (10_linux writes no trailing blank).
    private static string GrubTrialScriptText(string line, string version, string? image)
    {
        var initrd = image is null ? "" : $" -e 's|/{SedLiteral(image)}$|/{TrialImagePrefix}{image}|'";
        return $$$"""
            #!/bin/sh
            {{{OwnedHeader}}}
            # A one-shot trial entry: 'grub-reboot {{{TrialEntryId}}}' boots it once; the default stays until 'lodge setup --confirm'.
            set -e
            {{{CmdlineKey}}}="{{{line}}}" "${0%/*}/10_linux" \
              | awk -v k='/vmlinuz-{{{version}}} ' '/^[[:space:]]*menuentry /{b=""; p=1} p{b=b $0 "\n"} p && /^[[:space:]]*}/{p=0; if (index(b, k)) {printf "%s", b; exit}}' \
              | sed -e "1s/^[[:space:]]*menuentry '[^']*'/menuentry 'Lodge trial'/" -e "1s/\$menuentry_id_option '[^']*'/--id {{{TrialEntryId}}}/"{{{initrd}}}

            """;
    }

    private static string SedLiteral(string text) => text.Replace(".", "\\.", StringComparison.Ordinal);
}
