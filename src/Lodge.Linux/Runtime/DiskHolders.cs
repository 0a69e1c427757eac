using Lodge.Linux.Processes;

namespace Lodge.Linux.Runtime;

/// <summary>Finds who holds a disk image: another running guest (from its state.json) or any process with the file open (its /proc/PID/fd links).</summary>
public static class DiskHolders
{
    /// <summary>A sentence naming the holder of <paramref name="disk"/>, or null when nobody else holds it.</summary>
    /// <param name="others">The states of the other running guests.</param>
    /// <param name="ignorePids">Our own processes.</param>
    /// <param name="scanProcesses">Also read every process's open files; false asks only the other guests' states.</param>
    public static string? Find(string disk, IEnumerable<GuestState> others, IReadOnlySet<int> ignorePids, bool scanProcesses = true)
    {
        var target = Canonical(disk);
        var guests = others.ToList();
        foreach (var guest in guests)
        {
            if (guest.Disks.Any(d => Canonical(d) == target))
            {
                return $"guest '{guest.Machine}' (QEMU pid {guest.Qemu?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "starting"})";
            }
        }

        if (!scanProcesses)
        {
            return null;
        }

        foreach (var pid in OpenedBy(target))
        {
            if (ignorePids.Contains(pid))
            {
                continue;
            }

            var guest = guests.FirstOrDefault(g => g.Processes.Any(p => p.Pid == pid));
            return guest is not null ? $"guest '{guest.Machine}' ({ProcessTable.Describe(pid)})" : ProcessTable.Describe(pid);
        }

        return null;
    }

    /// <summary>The pids that have <paramref name="canonicalPath"/> open, by reading every /proc/PID/fd link we may read.</summary>
    public static IEnumerable<int> OpenedBy(string canonicalPath)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            // One readlinkat per descriptor on the folder's own handle, compared as bytes: this runs for every process
            // (once per 'lodge up': right before QEMU opens the disk, in the supervisor of a detached guest).
            if (Native.HasLinkTo(Path.Combine(dir, "fd"), canonicalPath))
            {
                yield return pid;
            }
        }
    }

    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
