using System.Globalization;
using Lodge.Core.Machines;

namespace Lodge.Linux.Runtime;

/// <summary>Gathers <see cref="PathFacts"/> for the paths a machine names, reading only through a <see cref="HostRoot"/>:
/// links (and <c>/dev/disk/by-*</c> names) resolved inside the root, then the block device's partitions, mounts, swaps
/// and holders from /proc and /sys.</summary>
/// <remarks>
/// A block device is recognised by stat (its major:minor looked up in <c>/sys/dev/block</c>), or, in a captured tree
/// where /dev holds no device nodes, by a <c>/dev/NAME</c> that has <c>/sys/class/block/NAME</c>. Sources:
/// Documentation/filesystems/proc.rst (mountinfo, section 3.5) and Documentation/ABI/stable/sysfs-block (holders).
/// Make a new reader to see the host again: the root caches what it has listed.
/// </remarks>
public sealed class PathFactsReader
{
    private const int MaxLinkHops = 40;
    private const int TypeBlock = 0x6000;
    private const int TypeFile = 0x8000;
    private const int TypeDirectory = 0x4000;
    private readonly HostRoot _root;
    private readonly Dictionary<string, PathFacts> _cache = new(StringComparer.Ordinal);
    private List<(string MajorMinor, string Source, string MountPoint)>? _mounts;
    private List<string>? _swaps;

    /// <summary>A reader over <paramref name="root"/>.</summary>
    public PathFactsReader(HostRoot root)
    {
        _root = root;
    }

    /// <summary>The users whose image files a guest may use: the effective user and, under sudo, the user who ran it.</summary>
    public static IReadOnlySet<int> UserUids()
    {
        var uids = new HashSet<int> { Native.EffectiveUid() };
        if (int.TryParse(Environment.GetEnvironmentVariable("SUDO_UID"), NumberStyles.None, CultureInfo.InvariantCulture, out var sudo))
        {
            uids.Add(sudo);
        }

        return uids;
    }

    /// <summary>What the host shows about <paramref name="path"/> (absolute, host view).</summary>
    public PathFacts Read(string path)
    {
        if (_cache.TryGetValue(path, out var hit))
        {
            return hit;
        }

        var resolved = Resolve(MachineSafety.Normalize(path));
        var stat = Native.Stat(_root.ToReal(resolved));
        PathFacts facts;
        if (stat is { TypeBits: TypeBlock } block && BlockName(block.RdevMajor, block.RdevMinor) is { } byNumber)
        {
            facts = new PathFacts(path, resolved, PathKind.Block) { OwnerUid = block.Uid, BlockDevice = byNumber, Uses = UsesOf(byNumber) };
        }
        else if (resolved.StartsWith("/dev/", StringComparison.Ordinal) && !_root.IsSystemRoot && _root.Exists($"/sys/class/block/{HostRoot.NameOf(resolved)}"))
        {
            var name = HostRoot.NameOf(resolved);
            facts = new PathFacts(path, resolved, PathKind.Block) { BlockDevice = name, Uses = UsesOf(name) };
        }
        else
        {
            var kind = stat switch
            {
                null => PathKind.Missing,
                { TypeBits: TypeFile } => PathKind.File,
                { TypeBits: TypeDirectory } => PathKind.Directory,
                _ => PathKind.Other,
            };
            facts = new PathFacts(path, resolved, kind) { OwnerUid = stat?.Uid, Uses = kind == PathKind.File ? LoopUsesOf(resolved) : [] };
        }

        _cache[path] = facts;
        return facts;
    }

    // Resolves every link component by component, confined to the root: an absolute target starts again at the root,
    // '..' never climbs above it. A loop or too many hops leaves the rest unresolved (ELOOP reads as missing).
    private string Resolve(string normalized)
    {
        var parts = new Queue<string>(normalized.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var current = "/";
        var hops = 0;
        while (parts.Count > 0)
        {
            var part = parts.Dequeue();
            if (part == "..")
            {
                current = HostRoot.ParentOf(current);
                continue;
            }

            var next = HostRoot.Combine(current, part);
            var target = hops < MaxLinkHops ? _root.ReadLink(next) : null;
            if (target is null)
            {
                current = next;
                continue;
            }

            hops++;
            var rest = parts.ToList();
            parts = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
            if (target.StartsWith('/'))
            {
                current = "/";
            }
        }

        return MachineSafety.Normalize(current);
    }

    private string? BlockName(int major, int minor)
    {
        var link = _root.ReadLink(string.Create(CultureInfo.InvariantCulture, $"/sys/dev/block/{major}:{minor}"));
        return link is null ? null : HostRoot.NameOf(link.TrimEnd('/'));
    }

    // An image file attached to a loop device (losetup) is in use when that loop device is: its backing_file names it
    // (Documentation/ABI/testing/sysfs-block-loop).
    private List<BlockUse> LoopUsesOf(string resolvedFile)
    {
        var uses = new List<BlockUse>();
        foreach (var name in _root.ListDirectory("/sys/class/block").Where(n => n.StartsWith("loop", StringComparison.Ordinal)))
        {
            if (_root.ReadAttribute($"/sys/class/block/{name}/loop/backing_file") is { } backing && MachineSafety.Normalize(backing) == resolvedFile)
            {
                uses.AddRange(UsesOf(name));
            }
        }

        return uses;
    }

    private List<BlockUse> UsesOf(string name)
    {
        var sys = $"/sys/class/block/{name}";
        var devices = new List<string> { name };
        devices.AddRange(_root.ListDirectory(sys).Where(e => _root.Exists($"{sys}/{e}/partition")));
        var uses = new List<BlockUse>();
        foreach (var device in devices)
        {
            var dir = device == name ? sys : $"{sys}/{device}";
            var number = _root.ReadAttribute($"{dir}/dev");
            foreach (var (majorMinor, source, mountPoint) in Mounts())
            {
                if ((number is not null && majorMinor == number) || source == $"/dev/{device}" || (source.StartsWith("/dev/", StringComparison.Ordinal) && HostRoot.NameOf(Resolve(source)) == device))
                {
                    uses.Add(new BlockUse(device, mountPoint == "/" ? BlockUseKind.Root : BlockUseKind.Mounted, mountPoint));
                }
            }

            if (Swaps().Any(s => s.StartsWith("/dev/", StringComparison.Ordinal) && HostRoot.NameOf(Resolve(s)) == device))
            {
                uses.Add(new BlockUse(device, BlockUseKind.Swap, string.Empty));
            }

            foreach (var holder in _root.ListDirectory($"{dir}/holders"))
            {
                uses.Add(new BlockUse(device, BlockUseKind.Held, holder));
            }
        }

        return [.. uses.Distinct()];
    }

    // /proc/self/mountinfo, one mount per line:
    //   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
    // fields: id, parent, major:minor, root, mount point, options, optional fields, "-", type, source, super options.
    // Without it, /proc/mounts ("/dev/sda1 / ext4 rw 0 0") gives source and mount point only.
    private List<(string MajorMinor, string Source, string MountPoint)> Mounts()
    {
        if (_mounts is not null)
        {
            return _mounts;
        }

        _mounts = [];
        if (_root.ReadText("/proc/self/mountinfo") is { } info)
        {
            foreach (var line in info.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ');
                var dash = Array.IndexOf(fields, "-");
                if (fields.Length >= 5 && dash > 5 && dash + 2 < fields.Length)
                {
                    _mounts.Add((fields[2], Unescape(fields[dash + 2]), Unescape(fields[4])));
                }
            }
        }
        else if (_root.ReadText("/proc/mounts") is { } mounts)
        {
            foreach (var fields in mounts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(f => f.Length >= 2))
            {
                _mounts.Add((string.Empty, Unescape(fields[0]), Unescape(fields[1])));
            }
        }

        return _mounts;
    }

    // /proc/swaps:
    //   Filename        Type       Size     Used  Priority
    //   /dev/sda3       partition  8388604  0     -2
    private List<string> Swaps() =>
        _swaps ??= [.. (_root.ReadText("/proc/swaps") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => Unescape(l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0]))];

    // The kernel writes space, tab, newline and backslash in paths as octal escapes (\040).
    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var b = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text.Substring(i + 1, 3) is var oct && oct.All(c => c is >= '0' and <= '7'))
            {
                b.Append((char)Convert.ToInt32(oct, 8));
                i += 3;
            }
            else
            {
                b.Append(text[i]);
            }
        }

        return b.ToString();
    }
}
