using System.Text.RegularExpressions;

namespace Lodge.Core.Setup;

/// <summary>Module options, early vfio-pci binding, udev rules and the initramfs.</summary>
public static partial class SetupPlanner
{
    // The order modprobe and the initramfs guides use: the core, the IOMMU backend, then the PCI driver.
    private static readonly string[] VfioModules = ["vfio", "vfio_iommu_type1", "vfio_pci"];

    // Host GPU drivers that must wait for vfio-pci (DOMAIN.md, "Early vfio binding").
    private static readonly string[] GpuDrivers = ["nvidia", "amdgpu", "nouveau", "radeon"];

    private static void PlanModules(SetupChangeSet set, SetupNeeds needs)
    {
        if (needs.EarlyBind.Count > 0)
        {
            var machines = needs.EarlyBind.Select(e => e.Machine);
            var passed = needs.EarlyBind.Select(e => e.Device.Address).ToHashSet();
            var lines = new List<string>();

            // ids= binds every device with that id; when a device the host keeps shares an id (two identical cards),
            // the passed one is bound by address through driver_override instead (sysfs-bus-pci, driver_override).
            var byId = needs.EarlyBind.Where(e => e.Device.VendorId is not null && e.Device.DeviceId is not null)
                .GroupBy(e => $"{e.Device.VendorId:x4}:{e.Device.DeviceId:x4}").OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var shared = byId.Where(g => IsShared(g.Key, needs, passed)).ToList();
            var ids = byId.Except(shared).Select(g => g.Key).ToList();
            if (ids.Count > 0)
            {
                lines.Add($"options vfio-pci ids={string.Join(',', ids)}");
            }

            if (shared.Count > 0)
            {
                // modprobe.d(5) runs an install command through the shell instead of loading the module; this one sets
                // driver_override on the passed functions first, so vfio-pci claims exactly those when it loads. It
                // works inside the initramfs too, which copies modprobe.d.
                var addresses = string.Join(' ', shared.SelectMany(g => g).Select(e => e.Device.Address.ToString()).Distinct());
                lines.Add($"install vfio-pci for d in {addresses}; do echo vfio-pci > /sys/bus/pci/devices/$d/driver_override; done; /sbin/modprobe --ignore-install vfio-pci $CMDLINE_OPTS");
            }

            lines.AddRange(GpuDrivers.Select(d => $"softdep {d} pre: vfio-pci"));
            var devices = string.Join(", ", needs.EarlyBind.Select(e => e.Device.Address.ToString()).Distinct());
            var reasons = new List<SetupReason> { Reason(machines, $"Binds {devices} to vfio-pci at boot, before nvidia, amdgpu, nouveau or radeon can claim them.") };
            if (shared.Count > 0)
            {
                reasons.Add(Reason(shared.SelectMany(g => g).Select(e => e.Machine), $"Binds by address the functions whose ids a card the host keeps shares ({string.Join(", ", shared.Select(g => g.Key))})."));
            }

            foreach (var reason in reasons)
            {
                set.SetOwned(VfioModprobe, Owned(machines, [.. lines]), reason);
            }
        }

        if (needs.IgnoreMsrs.Count > 0)
        {
            set.SetOwned(KvmModprobe, Owned(needs.IgnoreMsrs, "options kvm ignore_msrs=1 report_ignored_msrs=0"), Reason(needs.IgnoreMsrs, "macOS and Windows read MSRs that KVM does not emulate; ignore them quietly instead of injecting a fault."));
        }

        if (needs.ResetBug.Count > 0)
        {
            // udev runs RUN+= only after every rule, so a RUN modprobe would come after the write; IMPORT{program} runs
            // in place: vendor-reset is loaded before reset_method is written (device_specific needs its handler).
            var machines = needs.ResetBug.Select(r => r.Machine);
            var rules = needs.ResetBug.Select(r => $"ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{{vendor}}==\"0x{r.Device.VendorId:x4}\", ATTR{{device}}==\"0x{r.Device.DeviceId:x4}\", IMPORT{{program}}=\"/sbin/modprobe vendor_reset\", ATTR{{reset_method}}=\"device_specific\"").Distinct();
            var gpus = string.Join(", ", needs.ResetBug.Select(r => r.Device.Address.ToString()).Distinct());
            set.SetOwned(VendorResetUdevRules, Owned(machines, [.. rules]), Reason(machines, $"Makes {gpus}, which has the AMD reset bug, reset through vendor-reset (reset_method=device_specific)."));
            set.SetOwned(VendorResetModulesLoad, Owned(machines, "vendor-reset"), Reason(machines, "Loads vendor-reset at boot, before any guest starts."));
        }

        if (needs.GvtG.Count > 0)
        {
            set.SetOwned(GvtModulesLoad, Owned(needs.GvtG, "kvmgt", "vfio_iommu_type1", "mdev"), Reason(needs.GvtG, "Loads kvmgt (with vfio_iommu_type1 and mdev) at boot, which GVT-g slices need once i915.enable_gvt=1 is set."));
        }
    }

    private static bool IsShared(string id, SetupNeeds needs, HashSet<Hardware.PciAddress> passed) =>
        needs.HostDevices.Any(d => !passed.Contains(d.Address) && $"{d.VendorId:x4}:{d.DeviceId:x4}" == id);

    private static void PlanInitramfs(SetupChangeSet set, SetupNeeds needs)
    {
        if (needs.EarlyBind.Count == 0)
        {
            return;
        }

        var machines = needs.EarlyBind.Select(e => e.Machine).ToList();
        var reason = Reason(machines, "Puts the vfio modules in the initramfs so vfio-pci binds before the GPU drivers load there.");
        if (set.Exists(InitramfsToolsModules))
        {
            // initramfs-tools(7): one module per line, '#' starts a comment.
            var text = set.Current(InitramfsToolsModules)!;
            var present = text.Split('\n').Select(l => l.Split('#')[0].Trim().Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            var missing = VfioModules.Where(m => !present.Contains(m) && !present.Contains(m.Replace('_', '-'))).ToList();
            if (missing.Count > 0)
            {
                set.Set(InitramfsToolsModules, EnsureNewline(text) + string.Join("", missing.Select(m => m + "\n")), reason);
            }
        }
        else if (set.Exists(MkinitcpioConf))
        {
            EditMkinitcpio(set, reason);
        }
        else if (set.Exists(DracutConf) || set.Under("/etc/dracut.conf.d").Count > 0)
        {
            set.SetOwned(DracutLodge, Owned(machines, $"force_drivers+=\" {string.Join(' ', VfioModules)} \""), reason);
        }
    }

    // mkinitcpio.conf(5) is a bash fragment; Lodge edits only a one-line array:
    //   MODULES=(btrfs)
    private static void EditMkinitcpio(SetupChangeSet set, SetupReason reason)
    {
        var text = set.Current(MkinitcpioConf)!;
        var lines = text.Split('\n');
        var at = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("MODULES=", StringComparison.Ordinal));
        var match = at < 0 ? null : MkinitcpioModules().Match(lines[at]);
        if (match is not { Success: true })
        {
            var what = at < 0 ? "has no MODULES=(...) line" : $"has a MODULES line that is not a one-line array (line {at + 1})";
            set.Fail(MkinitcpioConf, $"'{MkinitcpioConf}' {what}, so setup cannot add the vfio modules safely.", $"Write the modules as one line such as 'MODULES=(btrfs)' in '{MkinitcpioConf}' and run 'lodge setup' again.");
            return;
        }

        var modules = match.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var missing = VfioModules.Where(m => !modules.Contains(m)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // vfio first, so it is in place before any GPU driver listed after it.
        lines[at] = $"{match.Groups["lead"].Value}MODULES=({string.Join(' ', missing.Concat(modules))}){match.Groups["tail"].Value}";
        set.Set(MkinitcpioConf, string.Join('\n', lines), reason);
    }

    // The files whose change alters what every boot entry boots (module options, the initramfs configuration).
    private static readonly string[] BootShared = [VfioModprobe, KvmModprobe, InitramfsToolsModules, MkinitcpioConf, DracutLodge];

    internal static InitramfsBuilder BuilderOf(SetupChangeSet set) =>
        set.Exists(InitramfsToolsModules) ? InitramfsBuilder.InitramfsTools
        : set.Exists(MkinitcpioConf) ? InitramfsBuilder.Mkinitcpio
        : set.Exists(DracutConf) || set.Exists(DracutLodge) || set.Under("/etc/dracut.conf.d").Count > 0 ? InitramfsBuilder.Dracut
        : InitramfsBuilder.None;

    // Rebuilds the initramfs of every installed kernel, not only the running one: the next boot may be a newer kernel.
    private static IEnumerable<IReadOnlyList<string>> InitramfsCommands(InitramfsBuilder builder) => builder switch
    {
        InitramfsBuilder.InitramfsTools => [["update-initramfs", "-u", "-k", "all"]],
        InitramfsBuilder.Mkinitcpio => [["mkinitcpio", "-P"]],
        InitramfsBuilder.Dracut => [["dracut", "-f", "--regenerate-all"]],
        _ => [],
    };

    private static string EnsureNewline(string text) => text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";

    [GeneratedRegex(@"^(?<lead>\s*)MODULES=\((?<list>[^()""'$`]*)\)(?<tail>\s*(#.*)?)$")]
    private static partial Regex MkinitcpioModules();
}
