using System.Text.RegularExpressions;

namespace Lodge.Core.Setup;

/// <summary>The trial boot's own files: early binding on its command line, its own initramfs built into a trial image, and
/// the configuration that image is built from. Nothing the default entry boots changes before <c>--confirm</c>.</summary>
public static partial class SetupPlanner
{
    /// <summary>Where the trial's configuration lives (host view); <c>--confirm</c> and <c>--revert</c> remove it.</summary>
    public const string TrialDirectory = "/etc/lodge/setup-trial";

    /// <summary>The prefix of the trial initramfs image, beside the default one (<c>/boot/lodge-trial-initrd.img-6.1.0-13-amd64</c>).</summary>
    public const string TrialImagePrefix = "lodge-trial-";

    private const string GrubDropIns = "/etc/default/grub.d";
    private const string TrialModprobe = TrialDirectory + "/lodge-vfio.conf";
    private const string TrialImageRecord = TrialDirectory + "/initramfs-image";
    private const string TrialInitramfsTools = TrialDirectory + "/initramfs-tools";
    private const string TrialMkinitcpio = TrialDirectory + "/mkinitcpio.conf";

    /// <summary>The parameters that give the trial boot, and only it, what the deferred shared files give every boot.</summary>
    private static IReadOnlyList<string> EarlyParameters(BootPlan p)
    {
        var early = new List<string>();
        if (p.Deferred.TryGetValue(VfioModprobe, out var vfio) && vfio.After is { } text
            && text.Split('\n').FirstOrDefault(l => l.StartsWith("options vfio-pci ids=", StringComparison.Ordinal)) is { } ids)
        {
            // modprobe reads MODULE.PARAM= from the kernel command line (modprobe.d(5)), and a built-in vfio-pci takes it too.
            early.Add("vfio-pci.ids=" + ids["options vfio-pci ids=".Length..]);
        }

        if (p.Builder == InitramfsBuilder.Dracut && NeedsTrialInitramfs(p))
        {
            // dracut.cmdline(7): load vfio-pci before udev starts in the initramfs, so it claims the ids before a GPU driver.
            early.Add("rd.driver.pre=vfio-pci");
        }

        if (p.Deferred.ContainsKey(KvmModprobe))
        {
            early.AddRange(["kvm.ignore_msrs=1", "kvm.report_ignored_msrs=0"]);
        }

        return early;
    }

    private static bool NeedsTrialInitramfs(BootPlan p) =>
        p.Builder != InitramfsBuilder.None && (p.Deferred.ContainsKey(VfioModprobe) || p.Deferred.ContainsKey(InitramfsToolsModules) || p.Deferred.ContainsKey(MkinitcpioConf) || p.Deferred.ContainsKey(DracutLodge));

    /// <summary>The default initramfs images in /boot that the builder's rebuild of every kernel rewrites (not the trial's).</summary>
    private static IEnumerable<string> DefaultInitramfsImages(BootPlan p) =>
        p.KernelImages.Where(i => i.LastIndexOf('/') == "/boot".Length && i.StartsWith("/boot/", StringComparison.Ordinal)).Where(i =>
        {
            var name = i["/boot/".Length..];
            return p.Builder == InitramfsBuilder.InitramfsTools
                ? name.StartsWith("initrd.img-", StringComparison.Ordinal)
                : p.Builder != InitramfsBuilder.None && name.StartsWith("initramfs-", StringComparison.Ordinal) && name.EndsWith(".img", StringComparison.Ordinal);
        });

    private static string DefaultImageName(InitramfsBuilder builder, string version) =>
        builder == InitramfsBuilder.InitramfsTools ? $"initrd.img-{version}" : $"initramfs-{version}.img";

    /// <summary>The kernel the trial boots: the entry's own (its <c>version</c> or <c>vmlinuz-VERSION</c>), or else the newest
    /// <c>/boot/vmlinuz-*</c> in version order, which is the one GRUB's 10_linux lists first. Null after recording an error.</summary>
    private static (string Version, string Image)? TrialKernel(BootPlan p, string? entry)
    {
        string? version = null;
        string? image = null;
        if (entry is not null)
        {
            var text = p.Set.Current(entry)!;
            version = EntryValue(text, "version");
            if (EntryValue(text, "linux") is { } linux)
            {
                image = linux.StartsWith("/boot/", StringComparison.Ordinal) ? linux : EntryPartition(entry) + linux;
                var name = linux[(linux.LastIndexOf('/') + 1)..];
                version ??= name.StartsWith("vmlinuz-", StringComparison.Ordinal) ? name["vmlinuz-".Length..] : null;
            }
        }

        if (version is null)
        {
            var newest = p.KernelImages.Select(i => i[(i.LastIndexOf('/') + 1)..]).Where(n => n.StartsWith("vmlinuz-", StringComparison.Ordinal) && n.Length > 8)
                .Select(n => n["vmlinuz-".Length..]).OrderDescending(VersionComparer.Instance).FirstOrDefault();
            if (newest is null)
            {
                p.Set.Fail(null, "There is no kernel image (/boot/vmlinuz-*) below the root, so setup cannot tell which kernel the trial boots and build its initramfs.", "Check that /boot is mounted below the root, then run 'lodge setup' again.");
                return null;
            }

            version = newest;
            image ??= "/boot/vmlinuz-" + newest;
        }

        if (!SafeVersion().IsMatch(version))
        {
            p.Set.Fail(entry, $"The kernel version '{version}' has characters setup does not put in a command, so it cannot build the trial initramfs for it.", "Rename the kernel image to its plain version (letters, digits, '.', '_', '+', '~', '-') and run 'lodge setup' again.");
            return null;
        }

        return (version, image ?? "/boot/vmlinuz-" + version);
    }

    /// <summary>Writes the configuration the trial initramfs is built from and records the command that builds it into
    /// <paramref name="directory"/>/lodge-trial-<paramref name="defaultName"/>; returns the image's path, or null when
    /// no trial initramfs is needed (or after an error).</summary>
    private static string? PlanTrialInitramfs(BootPlan p, string version, string kernelImage, string directory, string defaultName, SetupReason reason)
    {
        if (!NeedsTrialInitramfs(p))
        {
            return null;
        }

        var set = p.Set;
        var image = $"{directory}/{TrialImagePrefix}{defaultName}";
        var machines = p.Deferred.Where(d => d.Key != KvmModprobe).SelectMany(d => d.Value.Reasons).SelectMany(r => r.Machines);
        var why = Reason(machines.Any() ? machines : reason.Machines, "") with { Text = $"Builds the trial initramfs '{image}' for kernel {version} with the vfio modules and the early binding; the default initramfs stays as it is until 'lodge setup --confirm'." };
        set.SetOwned(TrialImageRecord, $"{OwnedHeader}\n{image}\n", why);
        var modprobe = p.Deferred.TryGetValue(VfioModprobe, out var vfio) ? vfio.After : set.Current(VfioModprobe);
        if (modprobe is not null && p.Builder != InitramfsBuilder.Mkinitcpio)
        {
            set.SetOwned(TrialModprobe, modprobe, why);
        }

        IReadOnlyList<string> build;
        switch (p.Builder)
        {
            case InitramfsBuilder.InitramfsTools:
                // mkinitramfs(8) -d: a configuration directory of the trial's own. It reads initramfs.conf, conf.d/* and
                // modules from there, and runs its hooks, which copy the trial's modprobe file into the image.
                set.SetOwned($"{TrialInitramfsTools}/initramfs.conf", $"{OwnedHeader}\n{set.Current(InitramfsToolsConf) ?? ""}", why);
                var modules = p.Deferred.TryGetValue(InitramfsToolsModules, out var m) ? m.After : set.Current(InitramfsToolsModules);
                set.SetOwned($"{TrialInitramfsTools}/modules", $"{OwnedHeader}\n{modules}", why);
                foreach (var conf in set.Under(InitramfsToolsConfD).Where(f => f.LastIndexOf('/') == InitramfsToolsConfD.Length))
                {
                    set.SetOwned($"{TrialInitramfsTools}/conf.d/{conf[(conf.LastIndexOf('/') + 1)..]}", $"{OwnedHeader}\n{set.Current(conf)}", why);
                }

                // mkinitramfs -d takes the hooks and boot scripts from the trial's folder only: the host's own (an unlock
                // script, a custom hook) are copied there, so the trial image has everything the default one has.
                foreach (var own in set.Under(InitramfsToolsHooks).Concat(set.Under(InitramfsToolsScripts)).Where(f => set.Current(f) is not null))
                {
                    set.SetOwned(TrialInitramfsTools + own["/etc/initramfs-tools".Length..], WithOwnedHeader(set.Current(own)!), why, executable: true);
                }

                set.SetOwned($"{TrialInitramfsTools}/hooks/lodge-vfio", TrialHookText, why, executable: true);
                build = ["mkinitramfs", "-d", TrialInitramfsTools, "-o", image, version];
                break;
            case InitramfsBuilder.Mkinitcpio:
                // mkinitcpio(8) -c: the trial's own copy of mkinitcpio.conf, with the vfio modules first in MODULES.
                var mkinitcpio = p.Deferred.TryGetValue(MkinitcpioConf, out var c) ? c.After : set.Current(MkinitcpioConf);
                set.SetOwned(TrialMkinitcpio, $"{OwnedHeader}\n{mkinitcpio}", why);
                build = ["mkinitcpio", "-c", TrialMkinitcpio, "-k", kernelImage, "-g", image];
                break;
            default:
                // dracut(8): the same drivers force_drivers would add, and the trial's modprobe file where modprobe reads it.
                build = ["dracut", "-f", "--kver", version, "--force-drivers", string.Join(' ', VfioModules), .. modprobe is null ? Array.Empty<string>() : ["--include", TrialModprobe, VfioModprobe], image];
                break;
        }

        if (TrialFilesChanged(p))
        {
            p.Boot.Add(build);
            p.Touched.Add(image);
        }

        return image;
    }

    private static bool TrialFilesChanged(BootPlan p) => p.Set.Changed(TrialImageRecord) || p.Set.Under(TrialDirectory).Any(p.Set.Changed);

    /// <summary>At --confirm: the trial's configuration and its initramfs image go; the default now has what they gave.</summary>
    private static void RemoveTrialFiles(BootPlan p, SetupReason reason)
    {
        var set = p.Set;
        if (set.Current(TrialImageRecord) is { } record
            && record.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('/') && l.Contains("/" + TrialImagePrefix, StringComparison.Ordinal)) is { } image)
        {
            p.Deletes.Add(image);
        }

        foreach (var file in set.Under(TrialDirectory))
        {
            set.Set(file, null, reason with { Text = "Removes the trial's own configuration now that the default boots the same." });
        }
    }

    // A script keeps its '#!' line first; the owned header goes right after it.
    private static string WithOwnedHeader(string script) =>
        script.StartsWith("#!", StringComparison.Ordinal) && script.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0
            ? $"{script[..(end + 1)]}{OwnedHeader}\n{script[(end + 1)..]}"
            : $"{OwnedHeader}\n{script}";

    // initramfs-tools(7), hook scripts: called with 'prereqs' first to order the hooks, then to copy files into ${DESTDIR}.
    private static string TrialHookText =>
        $$"""
        #!/bin/sh
        {{OwnedHeader}}
        # Copies the trial's early vfio-pci binding into the trial initramfs only (mkinitramfs -d {{TrialInitramfsTools}}).
        [ "$1" = prereqs ] && exit 0
        mkdir -p "${DESTDIR}/etc/modprobe.d"
        cp {{TrialModprobe}} "${DESTDIR}{{VfioModprobe}}"

        """;

    [GeneratedRegex(@"^[A-Za-z0-9._+~-]+$")]
    private static partial Regex SafeVersion();
}
