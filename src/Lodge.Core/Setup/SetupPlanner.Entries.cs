using Lodge.Core.Hardware;

namespace Lodge.Core.Setup;

/// <summary>Boot Loader Specification entries (systemd-boot, kernelstub, Fedora's GRUB): the default entry, its options, the trial copy.</summary>
/// <remarks>
/// An entry is <c>key value</c> lines; <c>#</c> starts a comment (uapi-group.org/specifications/specs/boot_loader_specification):
/// <code>
/// title   Arch Linux
/// linux   /vmlinuz-linux
/// initrd  /initramfs-linux.img
/// options root=UUID=1234 rw quiet
/// </code>
/// </remarks>
public static partial class SetupPlanner
{
    private const string TrialEntryFile = "lodge-trial.conf";

    private static string? TrialEntryDirectory(SetupChangeSet set, BootInfo boot)
    {
        var dirs = boot.Bootloader == Bootloader.Grub ? LoaderEntryDirectories.Take(1) : LoaderEntryDirectories;
        return dirs.FirstOrDefault(d => EntryFilesIn(set, d).Count > 0);
    }

    private static IReadOnlyList<string> EntryFilesIn(SetupChangeSet set, string dir) =>
        [.. set.Under(dir).Where(p => p.EndsWith(".conf", StringComparison.Ordinal) && !p.EndsWith("/" + TrialEntryFile, StringComparison.Ordinal) && p.LastIndexOf('/') == dir.Length)];

    private static IReadOnlyList<string> EntryFiles(SetupChangeSet set, BootInfo boot) =>
        TrialEntryDirectory(set, boot) is { } dir ? EntryFilesIn(set, dir) : [];

    // loader.conf(5) 'default' names an entry (a glob in newer systemd); kernelstub's current kernel is Pop_OS-current;
    // otherwise the first entry in systemd-boot's order (newest version first), which is what both systemd-boot and
    // blscfg boot when nothing else is said.
    private static string? DefaultEntry(SetupChangeSet set, BootInfo boot)
    {
        var entries = EntryFiles(set, boot);
        if (entries.Count == 0)
        {
            return null;
        }

        var named = boot.Bootloader == Bootloader.Grub ? null : LoaderDefault(set);
        return entries.FirstOrDefault(e => named is not null && (e.EndsWith("/" + named, StringComparison.Ordinal) || e.EndsWith("/" + named + ".conf", StringComparison.Ordinal)))
            ?? entries.FirstOrDefault(e => named is not null && IsGlob(named) && Glob(named).IsMatch(e[(e.LastIndexOf('/') + 1)..]))
            ?? entries.FirstOrDefault(e => e.EndsWith("/Pop_OS-current.conf", StringComparison.Ordinal))
            ?? entries.Order(Comparer<string>.Create((a, b) => CompareEntries(set, a, b))).First();
    }

    private static string? LoaderDefault(SetupChangeSet set)
    {
        var loaderConf = set.Current("/boot/loader/loader.conf") ?? set.Current("/boot/efi/loader/loader.conf") ?? set.Current("/efi/loader/loader.conf") ?? "";
        return loaderConf.Split('\n').Select(l => l.Trim().Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && f[0] == "default").Select(f => f[1].Trim()).LastOrDefault();
    }

    private static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    private static System.Text.RegularExpressions.Regex Glob(string pattern) =>
        new("^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal).Replace(@"\[", "[", StringComparison.Ordinal) + "$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    // systemd-boot's boot_entry_compare (src/boot/boot.c): entries with a sort-key first, ordered by sort-key, machine-id
    // and version (newest first); then every entry by id, newest first. The first entry is the default.
    private static int CompareEntries(SetupChangeSet set, string a, string b)
    {
        var ta = set.Current(a) ?? "";
        var tb = set.Current(b) ?? "";
        return CompareEntries(EntryValue(ta, "sort-key"), EntryValue(ta, "machine-id"), EntryValue(ta, "version"), a[(a.LastIndexOf('/') + 1)..],
            EntryValue(tb, "sort-key"), EntryValue(tb, "machine-id"), EntryValue(tb, "version"), b[(b.LastIndexOf('/') + 1)..]);
    }

    private static int CompareEntries(string? keyA, string? machineA, string? versionA, string idA, string? keyB, string? machineB, string? versionB, string idB)
    {
        var r = (keyA is null).CompareTo(keyB is null);
        if (r != 0)
        {
            return r;
        }

        if (keyA is not null)
        {
            r = string.CompareOrdinal(keyA, keyB);
            r = r != 0 ? r : string.CompareOrdinal(machineA, machineB);
            r = r != 0 ? r : -VersionComparer.Instance.Compare(versionA, versionB);
            if (r != 0)
            {
                return r;
            }
        }

        return -VersionComparer.Instance.Compare(idA, idB);
    }

    /// <summary>Refuses a trial entry that systemd-boot could pick as its default: loader.conf's 'default' matching it, or
    /// 'default @saved' (the one-shot boot would be saved), or no 'default' while the trial would sort first.</summary>
    private static bool CheckTrialOrder(BootPlan p, string entry, string trialPath)
    {
        if (p.Info.Bootloader == Bootloader.Grub)
        {
            return true;
        }

        var set = p.Set;
        var conf = new[] { "/boot/loader/loader.conf", "/boot/efi/loader/loader.conf", "/efi/loader/loader.conf" }.FirstOrDefault(set.Exists) ?? "/boot/loader/loader.conf";
        var named = LoaderDefault(set);
        var id = entry[(entry.LastIndexOf('/') + 1)..];
        if (named is "@saved")
        {
            set.Fail(conf, $"'{conf}' says 'default @saved', so systemd-boot would keep booting the one-shot trial entry after it booted once.", $"Write 'default {id}' in '{conf}' (the entry it boots now) and run 'lodge setup' again.");
            return false;
        }

        if (named is not null && IsGlob(named) && (Glob(named).IsMatch(TrialEntryFile) || Glob(named).IsMatch(TrialEntryId)))
        {
            set.Fail(conf, $"'{conf}' says 'default {named}', which also matches the trial entry '{TrialEntryFile}', so the trial could become the default.", $"Write 'default {id}' in '{conf}' (the entry it boots now) and run 'lodge setup' again.");
            return false;
        }

        var pinned = named is not null && (id == named || id == named + ".conf" || (IsGlob(named) && Glob(named).IsMatch(id)));
        var text = set.Current(entry)!;
        var key = EntryValue(text, "sort-key");
        if (!pinned && key is null && CompareEntries(null, null, null, TrialEntryFile, null, null, null, id) < 0)
        {
            set.Fail(conf, $"Without a 'default' in '{conf}', systemd-boot orders entries without a sort-key by name, and '{TrialEntryFile}' would come before '{id}': the trial would become the default.", $"Write 'default {id}' in '{conf}' (the entry it boots now) and run 'lodge setup' again.");
            return false;
        }

        return true;
    }

    private static string? FailNoEntry(SetupChangeSet set, BootInfo boot)
    {
        var where = string.Join(", ", boot.Bootloader == Bootloader.Grub ? LoaderEntryDirectories.Take(1) : LoaderEntryDirectories);
        set.Fail(null, $"The boot loader is {boot.Bootloader} but there is no loader entry (*.conf) in {where}, so setup cannot make a trial entry.", "Check that /boot (and the EFI partition) is mounted below the root, then run 'lodge setup' again.");
        return null;
    }

    /// <summary>The entry's kernel command line (every options line joined), or null after recording an error.</summary>
    private static string? EntryOptions(SetupChangeSet set, string entry)
    {
        var options = OptionLines(set.Current(entry)!).Select(l => l.Value).ToList();
        if (options.Count == 0)
        {
            set.Fail(entry, $"The boot entry '{entry}' has no 'options' line, so setup cannot tell which kernel command line it boots.", $"Add an 'options' line with the kernel parameters to '{entry}' and run 'lodge setup' again.");
            return null;
        }

        var joined = string.Join(' ', options);
        if (joined.Contains('$', StringComparison.Ordinal))
        {
            // Fedora before 33 kept the command line in grubenv and wrote 'options $kernelopts'.
            set.Fail(entry, $"The boot entry '{entry}' takes its options from a GRUB variable ('{joined}'), which setup does not edit.", "Run 'grub2-switch-to-blscfg' (or 'grubby --update-kernel=ALL --args=\"\"') to write the options into the entries, then run 'lodge setup' again.");
            return null;
        }

        return joined;
    }

    private static IEnumerable<(int Index, string Value)> OptionLines(string text) =>
        text.Split('\n').Select((l, i) => (i, l.Trim())).Where(x => x.Item2.StartsWith("options", StringComparison.Ordinal) && (x.Item2.Length == 7 || x.Item2[7] is ' ' or '\t'))
            .Select(x => (x.i, x.Item2[7..].Trim()));

    /// <summary>An entry's <paramref name="text"/> with its options set to <paramref name="line"/> (one options line).</summary>
    private static string WithOptions(string text, string line)
    {
        var lines = text.Split('\n').ToList();
        var indices = OptionLines(text).Select(o => o.Index).ToList();
        lines[indices[0]] = "options " + line;
        for (var i = indices.Count - 1; i > 0; i--)
        {
            lines.RemoveAt(indices[i]);
        }

        return string.Join('\n', lines);
    }

    private static void WriteTrialEntry(SetupChangeSet set, BootInfo boot, string line, string trialPath, SetupReason reason, string? initrd)
    {
        if (DefaultEntry(set, boot) is not { } entry || EntryOptions(set, entry) is null)
        {
            return;
        }

        // The trial keeps the default's sort-key and machine-id and gets the lowest version, so it sorts after the default
        // in systemd-boot and blscfg alike and never becomes the default by sorting.
        var lines = WithOptions(set.Current(entry)!, line).Split('\n')
            .Where(l => !l.TrimStart().StartsWith("# Written by lodge", StringComparison.Ordinal) && !IsKey(l, "version"))
            .Select(l => IsKey(l, "title") ? l.TrimEnd() + " (lodge trial)" : l)
            .ToList();
        var at = lines.FindIndex(l => IsKey(l, "title")) + 1;
        lines.Insert(at, "version " + TrialVersion);
        if (initrd is not null)
        {
            // The last initrd line's last image is the main initramfs; microcode images before it stay.
            var last = lines.FindLastIndex(l => IsKey(l, "initrd"));
            var old = lines[last].TrimEnd();
            var cut = old.LastIndexOfAny([' ', '\t']) + 1;
            lines[last] = old[..cut] + initrd;
        }

        set.SetOwned(trialPath, $"{OwnedHeader}\n{string.Join('\n', lines)}", reason);
    }

    private const string TrialVersion = "0-lodge-trial";

    /// <summary>The value of the last <paramref name="key"/> line of an entry, or null.</summary>
    private static string? EntryValue(string text, string key) =>
        text.Split('\n').Where(l => IsKey(l, key)).Select(l => l.Trim()[key.Length..].Trim()).LastOrDefault();

    /// <summary>The entry's main initramfs: its last initrd line (microcode images come first).</summary>
    private static string? EntryInitrd(SetupChangeSet set, string entry) =>
        EntryValue(set.Current(entry)!, "initrd")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();

    /// <summary>Where the paths of an entry start (host view): the partition its loader/entries directory is on.</summary>
    private static string EntryPartition(string entry)
    {
        var dir = entry[..entry.LastIndexOf('/')];
        return dir.EndsWith("/loader/entries", StringComparison.Ordinal) ? dir[..^"/loader/entries".Length] : "/boot";
    }

    // Both systemd-boot and blscfg list entries newest version first and fall back to the first one, so the trial
    // entry gets the lowest version: it must never become the default by sorting.
    private static bool IsKey(string line, string key)
    {
        var t = line.TrimStart();
        return t.StartsWith(key, StringComparison.Ordinal) && (t.Length == key.Length || t[key.Length] is ' ' or '\t');
    }

    private static void EditAllEntries(SetupChangeSet set, BootInfo boot, IReadOnlyList<string> parameters, SetupReason reason)
    {
        foreach (var entry in EntryFiles(set, boot))
        {
            if (EntryOptions(set, entry) is { } options)
            {
                set.Set(entry, WithOptions(set.Current(entry)!, KernelCommandLine.With(options, parameters)), reason);
            }
        }
    }
}
