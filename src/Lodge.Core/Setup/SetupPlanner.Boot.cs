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

    private static IReadOnlyList<string> PlanCommandLine(
        SetupChangeSet set, HostSnapshot host, SetupNeeds needs, SetupPhase phase,
        List<IReadOnlyList<string>> regenerate, List<IReadOnlyList<string>> boot, List<IReadOnlyList<string>> undo, out IReadOnlyList<string> touched)
    {
        touched = [];
        var wanted = WantedParameters(host, needs);
        var reason = wanted.Count == 0 ? Reason(needs.All, "Removes the trial entry now that its command line is the default.") : Reason(wanted.SelectMany(w => w.Reason.Machines), string.Join(" ", wanted.Select(w => w.Reason.Text).Distinct()));
        var parameters = wanted.Select(w => w.Parameter).ToList();
        var bootInfo = host.Boot;
        var grubBls = bootInfo.Bootloader == Bootloader.Grub && TrialEntryDirectory(set, bootInfo) is not null;
        string? source = bootInfo.Bootloader switch
        {
            Bootloader.Grub when !grubBls => ReadGrubCmdline(set),
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

            return missing;
        }

        var usesEntries = grubBls || bootInfo.Bootloader != Bootloader.Grub;
        var entryDir = TrialEntryDirectory(set, bootInfo);
        if (usesEntries && entryDir is null)
        {
            FailNoEntry(set, bootInfo);
            return missing;
        }

        var trialPath = usesEntries ? entryDir + "/lodge-trial.conf" : GrubTrialScript;
        if (phase == SetupPhase.Apply)
        {
            if (missing.Count > 0)
            {
                PlanTrial(set, host, source, parameters, reason, trialPath, grubBls, regenerate, boot, undo);
            }

            return missing;
        }

        if (!set.Exists(trialPath))
        {
            set.Fail(trialPath, $"There is no trial boot to confirm: '{trialPath}' does not exist.", "Run 'lodge setup --apply', reboot into the trial entry, and then run 'lodge setup --confirm'.");
            return missing;
        }

        set.Set(trialPath, null, reason);
        if (missing.Count > 0)
        {
            touched = MakePermanent(set, bootInfo, grubBls, parameters, missing, reason, regenerate, boot);
        }

        if (bootInfo.Bootloader == Bootloader.Grub && !regenerate.Any(c => c[0].Contains("mkconfig", StringComparison.Ordinal) || c[0] == "update-grub"))
        {
            regenerate.Add(GrubMkconfig(bootInfo));
        }

        return missing;
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

    private static void PlanTrial(
        SetupChangeSet set, HostSnapshot host, string source, IReadOnlyList<string> parameters, SetupReason reason, string trialPath, bool grubBls,
        List<IReadOnlyList<string>> regenerate, List<IReadOnlyList<string>> boot, List<IReadOnlyList<string>> undo)
    {
        var line = KernelCommandLine.With(source, parameters);
        var trialReason = reason with { Text = $"Boots '{line}' once on trial; the old entry stays the default until 'lodge setup --confirm'. " + reason.Text };
        if (host.Boot.Bootloader == Bootloader.Grub)
        {
            if (GrubVariables.Read(set.Current(GrubDefaults) ?? "", "GRUB_DEFAULT", out _) != "saved")
            {
                set.Set(GrubDefaults, GrubVariables.Write(set.Current(GrubDefaults)!, "GRUB_DEFAULT", "saved", quote: false), reason with { Text = "grub-reboot needs GRUB_DEFAULT=saved to boot the trial entry once." });
            }

            if (grubBls)
            {
                WriteTrialEntry(set, host.Boot, line, trialPath, trialReason);
            }
            else
            {
                set.SetOwned(GrubTrialScript, GrubTrialScriptText(line), trialReason, executable: true);
            }

            if (set.Changed(GrubDefaults) || set.Changed(GrubTrialScript))
            {
                regenerate.Add(GrubMkconfig(host.Boot));
            }

            if (set.Changed(trialPath))
            {
                var fedora = IsFedoraLike(host.Boot);
                boot.Add([fedora ? "grub2-reboot" : "grub-reboot", TrialEntryId]);

                // A revert also forgets the one-shot choice, which grub-reboot keeps in grubenv.
                undo.Add([fedora ? "grub2-editenv" : "grub-editenv", "-", "unset", "next_entry"]);
            }

            return;
        }

        WriteTrialEntry(set, host.Boot, line, trialPath, trialReason);
        if (set.Changed(trialPath))
        {
            boot.Add(["bootctl", "set-oneshot", "lodge-trial.conf"]);

            // bootctl(1): an empty string removes the one-shot entry.
            undo.Add(["bootctl", "set-oneshot", ""]);
        }
    }

    private static IReadOnlyList<string> MakePermanent(
        SetupChangeSet set, BootInfo bootInfo, bool grubBls, IReadOnlyList<string> parameters, IReadOnlyList<string> missing, SetupReason reason,
        List<IReadOnlyList<string>> regenerate, List<IReadOnlyList<string>> boot)
    {
        switch (bootInfo.Bootloader)
        {
            case Bootloader.Grub:
                var current = ReadGrubCmdline(set) ?? "";
                set.Set(GrubDefaults, GrubVariables.Write(set.Current(GrubDefaults)!, CmdlineKey, KernelCommandLine.With(current, parameters), quote: true), reason);
                if (grubBls)
                {
                    EditAllEntries(set, bootInfo, parameters, reason);
                }

                regenerate.Add(GrubMkconfig(bootInfo));
                return [];
            case Bootloader.SystemdBoot when set.Exists(KernelCmdline):
                set.Set(KernelCmdline, KernelCommandLine.With(set.Current(KernelCmdline)!.Trim(), parameters) + "\n", reason);
                regenerate.Add(bootInfo.ProxmoxBootTool ? ["proxmox-boot-tool", "refresh"] : ["kernel-install", "add-all"]);
                return [];
            case Bootloader.SystemdBoot:
                EditAllEntries(set, bootInfo, parameters, reason);
                return [];
            default:
                // kernelstub rewrites its configuration and the Pop_OS entries itself; they are backed up before it runs.
                boot.Add(["kernelstub", "-a", string.Join(' ', missing)]);
                return [KernelstubConfig, .. EntryFiles(set, bootInfo)];
        }
    }

    private static string? ReadGrubCmdline(SetupChangeSet set)
    {
        var value = GrubVariables.Read(set.Current(GrubDefaults) ?? "", CmdlineKey, out var line);
        if (value is null)
        {
            set.Fail(GrubDefaults, $"'{GrubDefaults}' line {line + 1} sets {CmdlineKey} in a way setup cannot parse (an unclosed quote, a variable or a line continuation).", $"Write it as one quoted line such as {CmdlineKey}=\"quiet splash\" in '{GrubDefaults}' and run 'lodge setup' again.");
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

    // grub-mkconfig runs every /etc/grub.d script in order; this one re-runs 10_linux with the new command line and
    // keeps its first entry, renamed, so the trial boots the same kernel as the default entry.
    private static string GrubTrialScriptText(string line) =>
        $$"""
        #!/bin/sh
        {{OwnedHeader}}
        # A one-shot trial entry: 'grub-reboot {{TrialEntryId}}' boots it once; the default stays until 'lodge setup --confirm'.
        set -e
        {{CmdlineKey}}="{{line}}" "${0%/*}/10_linux" \
          | awk '/^menuentry /{p=1} p{print} p && /^}/{exit}' \
          | sed -e "1s/^menuentry '[^']*'/menuentry 'Lodge trial'/" -e "1s/\$menuentry_id_option '[^']*'/--id {{TrialEntryId}}/"

        """;
}
