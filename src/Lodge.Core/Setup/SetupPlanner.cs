using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Setup;

/// <summary>Computes the host changes the configured guests need: file edits with reasons, then commands. Pure.</summary>
/// <remarks>
/// The shell reads <see cref="FilesToRead"/> (plus every <c>*.conf</c> in <see cref="LoaderEntryDirectories"/>) below
/// the root and passes their text; a missing file is absent from the map or null. Every edit is idempotent: planning
/// against the files a plan produced yields no changes. Lodge owns whole files under its own names (they start with
/// <see cref="OwnedHeader"/>) and edits shared files (<c>/etc/default/grub</c>, <c>/etc/mkinitcpio.conf</c>, ...)
/// line by line. A changed kernel command line first goes into a trial entry that boots once; see <see cref="SetupPhase"/>.
/// </remarks>
public static partial class SetupPlanner
{
    /// <summary>The first line of every file Lodge owns.</summary>
    public const string OwnedHeader = SetupChangeSet.OwnedHeader;

    /// <summary>The Boot Loader Specification's entry directories, in the order bootctl looks.</summary>
    public static readonly IReadOnlyList<string> LoaderEntryDirectories = ["/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries"];

    /// <summary>Directories whose every file the shell also reads (recursively): GRUB's drop-ins, initramfs-tools' conf.d, the trial files.</summary>
    public static readonly IReadOnlyList<string> DirectoriesToRead = [GrubDropIns, InitramfsToolsConfD, InitramfsToolsHooks, InitramfsToolsScripts, TrialDirectory];

    /// <summary>Every fixed path the planner may read or write.</summary>
    public static readonly IReadOnlyList<string> FilesToRead =
    [
        GrubDefaults, GrubTrialScript, KernelCmdline, KernelstubConfig, "/boot/loader/loader.conf", "/boot/efi/loader/loader.conf", "/efi/loader/loader.conf",
        InitramfsToolsConf, VfioModprobe, KvmModprobe, InitramfsToolsModules, DracutConf, DracutLodge, MkinitcpioConf,
        SysctlLodge, MemlockLimits, VendorResetUdevRules, VendorResetModulesLoad, GvtModulesLoad, RescueUnit,
    ];

    private const string VfioModprobe = "/etc/modprobe.d/lodge-vfio.conf";
    private const string KvmModprobe = "/etc/modprobe.d/lodge-kvm.conf";
    private const string InitramfsToolsModules = "/etc/initramfs-tools/modules";
    private const string InitramfsToolsConf = "/etc/initramfs-tools/initramfs.conf";
    private const string InitramfsToolsConfD = "/etc/initramfs-tools/conf.d";
    private const string InitramfsToolsHooks = "/etc/initramfs-tools/hooks";
    private const string InitramfsToolsScripts = "/etc/initramfs-tools/scripts";
    private const string DracutConf = "/etc/dracut.conf";
    private const string DracutLodge = "/etc/dracut.conf.d/lodge-vfio.conf";
    private const string MkinitcpioConf = "/etc/mkinitcpio.conf";
    private const string SysctlLodge = "/etc/sysctl.d/90-lodge.conf";
    private const string MemlockLimits = "/etc/security/limits.d/90-lodge-memlock.conf";
    private const string VendorResetUdevRules = "/etc/udev/rules.d/90-lodge-vendor-reset.rules";
    private const string VendorResetModulesLoad = "/etc/modules-load.d/lodge-vendor-reset.conf";
    private const string GvtModulesLoad = "/etc/modules-load.d/lodge-gvt.conf";
    private const string RescueUnit = "/etc/systemd/system/lodge-rescue.service";

    /// <summary>Plans setup for <paramref name="machines"/> on <paramref name="host"/>, given the current text of the host files.</summary>
    /// <param name="host">The scanned host.</param>
    /// <param name="machines">The machines to set the host up for.</param>
    /// <param name="files">The text of the files the planner reads (see the remarks), null or absent when missing.</param>
    /// <param name="phase">The trial apply or the confirm.</param>
    /// <param name="kernelImages">The kernel and initramfs images in <c>/boot</c> (host view, such as <c>/boot/vmlinuz-6.1.0-13-amd64</c>
    /// and <c>/boot/initrd.img-6.1.0-13-amd64</c>): the trial initramfs is built for the newest kernel, which is the one the
    /// boot loader's first entry boots; a confirm backs up the initramfs images it rebuilds.</param>
    public static SetupPlan Plan(
        HostSnapshot host, IReadOnlyList<MachineConfig> machines, IReadOnlyDictionary<string, string?> files, SetupPhase phase = SetupPhase.Apply,
        IReadOnlyList<string>? kernelImages = null)
    {
        var set = new SetupChangeSet(files);
        var needs = SetupNeeds.Of(host, machines, PassthroughAdvisor.Assess(host));
        var boot = new BootPlan(set, host, needs, phase, kernelImages ?? []);

        PlanModules(set, needs);
        PlanInitramfs(set, needs);

        // What changes the boot of every entry (module options, the initramfs configuration) waits for --confirm; the
        // trial entry gets the same through its own command line and its own initramfs.
        foreach (var path in BootShared.Where(set.Changed))
        {
            boot.Deferred[path] = (set.Current(path), set.ReasonsFor(path));
        }

        if (phase == SetupPhase.Apply)
        {
            foreach (var path in boot.Deferred.Keys)
            {
                set.Discard(path);
            }
        }

        PlanSystem(set, needs, boot.Boot, boot.Undo);
        var cmdline = PlanCommandLine(boot);

        if (phase == SetupPhase.Confirm && boot.Deferred.Count > 0)
        {
            boot.Regenerate.InsertRange(0, InitramfsCommands(boot.Builder));

            // Those commands rebuild every kernel's initramfs, and a rebuild never has the same bytes (mkinitramfs packs
            // the files with their times; seen in the lab): the images are backed up first, so a revert gives back the
            // exact images the default entry booted.
            boot.Touched.AddRange(DefaultInitramfsImages(boot));
        }

        var changes = set.Changes();
        return new SetupPlan
        {
            Phase = phase,
            Changes = changes,
            Regenerate = changes.Count == 0 ? [] : boot.Regenerate,
            BootCommands = boot.Boot,
            UndoCommands = boot.Undo,
            CommandTouchedPaths = boot.Touched,
            DeletePaths = boot.Deletes,
            TrialBoot = boot.TrialBoot,
            Notes = boot.Notes,
            KernelParameters = cmdline,
            Error = set.Error,
        };
    }

    private static SetupReason Reason(IEnumerable<string> machines, string text) => new([.. machines.Distinct().Order(StringComparer.Ordinal)], text);

    private static string Owned(IEnumerable<string> machines, params string[] lines) =>
        $"{OwnedHeader}\n# For: {string.Join(", ", machines.Distinct().Order(StringComparer.Ordinal))}\n{string.Join("\n", lines)}\n";

    private static void PlanSystem(SetupChangeSet set, SetupNeeds needs, List<IReadOnlyList<string>> boot, List<IReadOnlyList<string>> undo)
    {
        if (needs.All.Count == 0)
        {
            return;
        }

        // Split-lock detection stalls a guest that takes split locks (Windows does) for 10 ms per lock; see
        // Documentation/admin-guide/sysctl/kernel.rst, split_lock_mitigate. The key exists from Linux 6.2; the leading
        // '-' makes systemd-sysctl skip it quietly on older kernels (sysctl.d(5)).
        var sysctl = new List<string> { "-kernel.split_lock_mitigate = 0" };
        var reasons = new List<SetupReason> { Reason(needs.All, "Turns off split-lock mitigation, which stalls guests that take split locks.") };
        if (needs.HugePages2M.Count > 0)
        {
            var pages = needs.HugePages2M.Max(m => m.Pages);
            sysctl.Add($"vm.nr_hugepages = {pages}");
            reasons.Add(Reason(needs.HugePages2M.Select(m => m.Machine), $"Reserves {pages} hugepages of 2 MiB at boot, enough for the largest guest that asks for them."));
        }

        foreach (var reason in reasons)
        {
            set.SetOwned(SysctlLodge, Owned(needs.All, [.. sysctl]), reason);
        }

        if (needs.Vfio.Count > 0)
        {
            // VFIO pins all guest RAM (DOMAIN.md), so the memlock limit covers the largest guest plus 1 GiB for QEMU.
            var kib = needs.Vfio.Max(m => m.Memory.SizeBytes) / 1024 + (1 << 20);
            set.SetOwned(
                MemlockLimits,
                Owned(needs.Vfio.Select(m => m.Name), $"@kvm soft memlock {kib}", $"@kvm hard memlock {kib}", $"root soft memlock {kib}", $"root hard memlock {kib}"),
                Reason(needs.Vfio.Select(m => m.Name), $"Lets VFIO pin {kib} KiB: the largest passthrough guest's RAM plus 1 GiB."));
        }

        var unitExisted = set.Exists(RescueUnit);
        set.SetOwned(RescueUnit, RescueUnitText, Reason(needs.All, "Installs the 'lodge rescue' unit, which gives passed-through devices back to the host at boot."));
        if (!unitExisted && set.Changed(RescueUnit))
        {
            boot.Add(["systemctl", "enable", "lodge-rescue.service"]);
            undo.Add(["systemctl", "disable", "lodge-rescue.service"]);
        }
    }

    /// <summary>The text of <c>/etc/systemd/system/lodge-rescue.service</c>; the same unit as dist/systemd/lodge-rescue.service
    /// (a spec keeps the two in step).</summary>
    public static string RescueUnitText =>
        $"""
        {OwnedHeader}
        [Unit]
        Description=Lodge: undo an unfinished GPU handoff
        DefaultDependencies=no
        After=local-fs.target systemd-modules-load.service dbus.socket
        Before=display-manager.service systemd-user-sessions.service
        ConditionPathExists=/var/lib/lodge/handoff.journal

        [Service]
        Type=oneshot
        ExecStart=/usr/local/bin/lodge rescue --boot --journal /var/lib/lodge/handoff.journal
        TimeoutStartSec=5min

        [Install]
        WantedBy=multi-user.target

        """;
}
