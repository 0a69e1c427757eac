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
    // otherwise the last entry in version order, which is what both systemd-boot and blscfg boot first.
    private static string? DefaultEntry(SetupChangeSet set, BootInfo boot)
    {
        var entries = EntryFiles(set, boot);
        if (entries.Count == 0)
        {
            return null;
        }

        var loaderConf = set.Current("/boot/loader/loader.conf") ?? set.Current("/boot/efi/loader/loader.conf") ?? "";
        var named = loaderConf.Split('\n').Select(l => l.Trim().Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && f[0] == "default").Select(f => f[1].Trim()).LastOrDefault();
        return entries.FirstOrDefault(e => named is not null && (e.EndsWith("/" + named, StringComparison.Ordinal) || e.EndsWith("/" + named + ".conf", StringComparison.Ordinal)))
            ?? entries.FirstOrDefault(e => e.EndsWith("/Pop_OS-current.conf", StringComparison.Ordinal))
            ?? entries[^1];
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

    private static void WriteTrialEntry(SetupChangeSet set, BootInfo boot, string line, string trialPath, SetupReason reason)
    {
        if (DefaultEntry(set, boot) is not { } entry || EntryOptions(set, entry) is null)
        {
            return;
        }

        var body = WithOptions(set.Current(entry)!, line).Split('\n')
            .Select(l => IsKey(l, "title") ? l.TrimEnd() + " (lodge trial)" : IsKey(l, "version") ? "version 0-lodge-trial" : l)
            .Where(l => !l.TrimStart().StartsWith("# Written by lodge", StringComparison.Ordinal));
        set.SetOwned(trialPath, $"{OwnedHeader}\n{string.Join('\n', body)}", reason);
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
