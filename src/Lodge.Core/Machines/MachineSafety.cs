using System.Text;
using Lodge.Core.Passthrough;
using Lodge.Core.Runtime;

namespace Lodge.Core.Machines;

/// <summary>What Lodge refuses to give a guest: host disks and system files as guest disks, system trees as shares,
/// and names whose sockets would not fit. Pure: the shell gathers the <see cref="PathFacts"/>, this decides.</summary>
/// <remarks>
/// Rules (issue 10, items 1, 6 and 14):
/// <list type="bullet">
/// <item>A block device that is mounted, holds a mounted partition, is active swap, is an LVM/MD/dm member in use, or
/// holds the root filesystem is never a guest disk, with or without <c>passthrough = true</c>; nor is an image file
/// attached to a loop device that is in use in any of these ways.</item>
/// <item>A free block device needs <c>passthrough = true</c> on its <c>[[disk]]</c>.</item>
/// <item>A disk is never a file under /etc, /boot, /usr, /proc or /sys, nor a /dev node that is not a block device;
/// outside the state folder it must be a regular file the user owns (or a block device, above).</item>
/// <item>A relative disk path stays inside the state folder, lexically and after links are resolved.</item>
/// <item>A share is never /, /etc, /boot, /usr, /var, /proc, /sys, /dev, /root or /run, nor anything inside them,
/// before or after links are resolved; a missing share folder is an error unless <c>create = true</c>.</item>
/// </list>
/// Whether a guest disk may be created where it is missing is left to the same rules: a missing path is judged by the
/// folder it would be created in.
/// </remarks>
public static class MachineSafety
{
    /// <summary>The trees a share may never be, or be inside.</summary>
    public static readonly IReadOnlyList<string> ShareForbidden = ["/etc", "/boot", "/usr", "/var", "/proc", "/sys", "/dev", "/root", "/run"];

    /// <summary>The trees a guest disk may never be inside (/dev is allowed for block devices only).</summary>
    public static readonly IReadOnlyList<string> DiskForbidden = ["/etc", "/boot", "/usr", "/proc", "/sys"];

    /// <summary>Every disk path of a machine as Lodge opens it, with the key that names it and whether it is a writable disk.</summary>
    public static IReadOnlyList<DiskRef> Disks(MachineConfig machine, RuntimeLayout layout)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(layout);
        var result = new List<DiskRef>();
        if (machine.Os == GuestOs.MacOs && machine.MacOs.OpenCore is { Length: > 0 } openCore)
        {
            result.Add(new DiskRef("macos.opencore", openCore, HostPathOf(openCore, layout), false, false));
        }

        for (var i = 0; i < machine.Disks.Count; i++)
        {
            var disk = machine.Disks[i];
            if (disk.Cdrom is { Length: > 0 } iso)
            {
                result.Add(new DiskRef($"disk[{i}].cdrom", iso, HostPathOf(iso, layout), true, false));
            }
            else
            {
                var configured = disk.Path ?? $"disk{i}.qcow2";
                result.Add(new DiskRef($"disk[{i}].path", configured, HostPathOf(configured, layout), false, disk.Passthrough));
            }
        }

        return result;
    }

    /// <summary>Every problem with the machine's disks, shares and socket paths.</summary>
    /// <param name="facts">What the host shows about a path (called once per disk, share and the state folder).</param>
    /// <param name="userUids">The users whose image files a guest may use (the caller, and the sudo user).</param>
    public static IReadOnlyList<Problem> Validate(MachineConfig machine, RuntimeLayout layout, Func<string, PathFacts> facts, IReadOnlySet<int> userUids)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var problems = new List<Problem>();
        var stateDir = Normalize(layout.StateDir);
        var stateResolved = facts(stateDir).Resolved;
        foreach (var disk in Disks(machine, layout))
        {
            if (CheckDisk(disk, stateDir, stateResolved, facts(disk.Path), userUids) is { } problem)
            {
                problems.Add(new Problem(Severity.Error, problem.Code, problem.Message, problem.Fix, machine.LocationOf(disk.Key)));
            }
        }

        CheckShares(machine, facts, problems);
        CheckSockets(machine, layout, problems);
        return problems;
    }

    /// <summary>The host's uses of a disk that forbid opening it at all (mounted, swap, held, root); empty when free.</summary>
    public static string? InUseMessage(string path, PathFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Uses.Count == 0)
        {
            return null;
        }

        var uses = string.Join("; ", facts.Uses.Select(u => u.Describe()));
        return facts.Kind == PathKind.Block
            ? $"The disk '{path}' is the host block device '{facts.BlockDevice}', and the host is using it: {uses}."
            : $"The disk image '{path}' is attached to a loop device that the host is using: {uses}.";
    }

    private static Finding? CheckDisk(DiskRef disk, string stateDir, string stateResolved, PathFacts f, IReadOnlySet<int> userUids)
    {
        var relative = !disk.Configured.StartsWith('/');
        if (relative && !IsUnder(disk.Path, stateDir))
        {
            return new("disk-outside-state", $"The relative disk path '{disk.Configured}' climbs out of the machine's state folder '{stateDir}'.", "Write a path that stays inside the state folder, or the absolute path of an image file you own.");
        }

        var inside = IsUnder(f.Resolved, stateResolved) || IsUnder(f.Resolved, stateDir);
        if (relative && !inside)
        {
            return new("disk-outside-state", $"The relative disk path '{disk.Configured}' leads through a link out of the machine's state folder, to '{f.Resolved}'.", "Write the absolute path of the image instead, so it is checked as one.");
        }

        var tree = FirstTree(DiskForbidden, disk.Path, f.Resolved) ?? (f.Kind == PathKind.Block ? null : FirstTree(["/dev"], disk.Path, f.Resolved));
        if (tree is not null)
        {
            return new("disk-system-file", $"The disk '{disk.Configured}' is{Via(disk.Path, f)} inside '{tree}', where the host keeps its own files; a guest writing there could break the host.", "Use a disk image of your own, such as path = \"system.qcow2\" in the state folder.");
        }

        if (f.Kind == PathKind.File && !disk.IsCdrom && InUseMessage(disk.Configured, f) is { } loopInUse)
        {
            return new("disk-in-use-by-host", loopInUse, "Unmount it and detach the loop device ('losetup -d') first; 'losetup -a' shows what is attached.");
        }

        // A CD-ROM is opened read-only, so a mounted disc (or drive) may be read by a guest as well.
        if (f.Kind == PathKind.Block && !disk.IsCdrom)
        {
            if (InUseMessage(disk.Configured, f) is { } inUse)
            {
                return new("disk-in-use-by-host", inUse, "Unmount it (and turn off its swap, stop its LVM or RAID volume) first, or pick a disk the host does not use; 'lsblk' shows what is on it.");
            }

            if (!disk.Passthrough)
            {
                return new("disk-passthrough-needed", $"The disk '{disk.Configured}' is the host block device '{f.BlockDevice}', and the guest would write to it directly.", "Add passthrough = true to this [[disk]] if the whole device is meant for the guest, or use an image file.");
            }

            return null;
        }

        if (disk.IsCdrom || inside)
        {
            return null;
        }

        return f.Kind switch
        {
            PathKind.Directory or PathKind.Other => new("disk-not-image", $"The disk '{disk.Configured}' is{Via(disk.Path, f)} neither a disk image nor a block device.", "Name an image file (raw or qcow2) or a block device."),
            PathKind.File when f.OwnerUid is { } uid && !userUids.Contains(uid) => new("disk-not-owned", $"The disk image '{disk.Configured}' is{Via(disk.Path, f)} owned by user id {uid}, not by you, and it lies outside the machine's state folder.", "Use an image you own (chown it if it is yours), or move it into the state folder."),
            _ => null,
        };
    }

    private static void CheckShares(MachineConfig machine, Func<string, PathFacts> facts, List<Problem> problems)
    {
        for (var i = 0; i < machine.Shares.Count; i++)
        {
            var share = machine.Shares[i];
            if (share.Host.Length == 0)
            {
                continue;
            }

            var at = machine.LocationOf($"share[{i}].host");
            if (!share.Host.StartsWith('/'))
            {
                problems.Add(new Problem(Severity.Error, "share-relative", $"The share folder '{share.Host}' is not an absolute path.", "Write the folder's full path, such as \"/srv/share\".", at));
                continue;
            }

            var path = Normalize(share.Host);
            var f = facts(path);
            if (path == "/" || f.Resolved == "/")
            {
                problems.Add(new Problem(Severity.Error, "share-system-tree", $"The share folder '{share.Host}' is{Via(path, f)} the host's whole filesystem, which a guest must never read or write.", "Share a folder of your own, such as \"/srv/share\" or a folder in your home.", at));
            }
            else if (FirstTree(ShareForbidden, path, f.Resolved) is { } tree)
            {
                problems.Add(new Problem(Severity.Error, "share-system-tree", $"The share folder '{share.Host}' is{Via(path, f)} inside '{tree}', a system tree that a guest must never read or write.", "Share a folder of your own, such as \"/srv/share\" or a folder in your home.", at));
            }
            else if (f.Kind == PathKind.Missing && !share.Create)
            {
                problems.Add(new Problem(Severity.Error, "share-missing", $"The share folder '{share.Host}' does not exist.", "Create it, or add create = true to this [[share]] so that 'lodge up' creates it.", at));
            }
            else if (f.Kind is not (PathKind.Missing or PathKind.Directory))
            {
                problems.Add(new Problem(Severity.Error, "share-not-folder", $"The share '{share.Host}' is{Via(path, f)} not a folder.", "Name a folder.", at));
            }
        }
    }

    private static void CheckSockets(MachineConfig machine, RuntimeLayout layout, List<Problem> problems)
    {
        var serial = $"{layout.RunDir}/{MachineName.LongestSocket}";
        if (Encoding.UTF8.GetByteCount(serial) > MachineName.MaxSocketPathBytes)
        {
            problems.Add(new Problem(Severity.Error, "name-too-long", $"The machine name '{machine.Name}' is too long for its sockets: '{serial}' has {Encoding.UTF8.GetByteCount(serial)} bytes, and a unix socket path holds at most {MachineName.MaxSocketPathBytes}.", "Rename the machine file to a shorter name, or use a shorter LODGE_RUN_DIR.", new SourceLocation(machine.File, 1, 1)));
            return;
        }

        for (var i = 0; i < machine.Shares.Count; i++)
        {
            var share = machine.Shares[i];
            var socket = $"{layout.RunDir}/virtiofsd-{share.Tag}.sock";
            if (share.Protocol is "virtiofs" or "auto" && Encoding.UTF8.GetByteCount(socket) > MachineName.MaxSocketPathBytes)
            {
                problems.Add(new Problem(Severity.Error, "name-too-long", $"The share tag '{share.Tag}' makes virtiofsd's socket '{socket}' {Encoding.UTF8.GetByteCount(socket)} bytes long, and a unix socket path holds at most {MachineName.MaxSocketPathBytes}.", "Use a shorter tag (or machine name).", machine.LocationOf($"share[{i}].tag")));
            }
        }
    }

    /// <summary>A configured disk path as Lodge opens it: absolute as written, relative below the state folder; '.' and '..' collapsed.</summary>
    public static string HostPathOf(string configured, RuntimeLayout layout)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(layout);
        return Normalize(configured.StartsWith('/') ? configured : $"{layout.StateDir}/{configured}");
    }

    /// <summary>Collapses duplicate slashes, '.' and '..' lexically; the result is absolute ('..' never climbs above '/').</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
            else if (part != ".")
            {
                stack.Add(part);
            }
        }

        return "/" + string.Join('/', stack);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it (both normalized).</summary>
    public static bool IsUnder(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        var f = folder.TrimEnd('/');
        return f.Length == 0 || path == f || path.StartsWith(f + "/", StringComparison.Ordinal);
    }

    private static string? FirstTree(IReadOnlyList<string> trees, string path, string resolved) =>
        trees.FirstOrDefault(t => IsUnder(path, t) || IsUnder(resolved, t));

    private static string Via(string path, PathFacts f) => f.Resolved == path ? string.Empty : $" (through links, '{f.Resolved}')";

    private sealed record Finding(string Code, string Message, string Fix);
}
