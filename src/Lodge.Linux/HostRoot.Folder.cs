using System.Text;

namespace Lodge.Linux;

public sealed partial class HostRoot
{
    private byte[]? _folderEntries;

    /// <summary>Opens a folder whose entries are then read by name (a PCI device's sysfs folder and its twenty attributes):
    /// the folder is opened and listed once, each entry it has is opened relative to it, an entry it lacks costs nothing,
    /// and no path string is built per read.</summary>
    /// <remarks>The answers are the path-based reads' answers for the same entries: a missing folder reads as empty; under
    /// a captured tree an entry that is a symlink is never opened through (O_NOFOLLOW) but resolved the general way,
    /// confined to the root; a recording root (<see cref="Log"/>) reads by path so that every access is recorded. Like
    /// every listing of a <see cref="HostRoot"/>, the folder is seen as it was when opened.</remarks>
    public Folder OpenFolder(string hostPath)
    {
        var canonical = Canonicalize(hostPath);
        var fd = Log is null && !IsUnresolvable(canonical) && (!_manual || KindOfCanonical(canonical) != EntryKind.Missing)
            ? Native.OpenFolder(ToReal(canonical), noFollow: _manual)
            : -1;
        var entries = _folderEntries ?? new byte[32 * 1024];
        _folderEntries = null;
        var used = fd >= 0 ? Native.ReadEntries(fd, ref entries) : -1;
        if (used < 0 && fd >= 0)
        {
            Native.Close(fd);
            fd = -1;
        }

        if (!_manual && fd >= 0)
        {
            // On the running system Canonicalize leaves links to the kernel; the folder's own path comes from its
            // descriptor (a device's place below its bridges: /sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0).
            canonical = Native.ReadLink($"/proc/self/fd/{fd}") ?? canonical;
        }

        return new Folder(this, hostPath, canonical, fd, entries, Math.Max(0, used));
    }

    /// <summary>A folder opened by <see cref="OpenFolder"/>; dispose it to close its descriptor.</summary>
    public sealed class Folder : IDisposable
    {
        private const byte TypeUnknown = 0, TypeLink = 10;
        private readonly HostRoot _root;
        private readonly string _hostPath;
        private readonly int _used;
        private byte[]? _entries;
        private int _fd;

        internal Folder(HostRoot root, string hostPath, string canonical, int fd, byte[] entries, int used)
        {
            _root = root;
            _hostPath = hostPath;
            Canonical = canonical;
            _fd = fd;
            _entries = entries;
            _used = used;
        }

        /// <summary>The folder's path with every link resolved: <see cref="Canonicalize"/> under a captured tree, the
        /// kernel's answer on the running system.</summary>
        public string Canonical { get; }

        /// <summary><see cref="HostRoot.ReadAttribute"/> of the entry <paramref name="name"/>.</summary>
        public string? ReadAttribute(string name)
        {
            switch (Find(name))
            {
                case Lookup.Absent:
                    return null;
                case Lookup.ByPath:
                    return _root.ReadAttribute(PathOf(name));
            }

            _root._scratch ??= new byte[MaxAttributeBytes];
            var length = Native.ReadAt(_fd, name, _root._scratch, noFollow: _root._manual);
            return length switch
            {
                >= 0 => TrimmedText(_root._scratch.AsSpan(0, length)),
                -Native.LinkLoop when _root._manual => _root.ReadAttribute(PathOf(name)),
                _ => null,
            };
        }

        /// <summary><see cref="HostRoot.ReadLinkName"/> of the entry <paramref name="name"/>: the last component of its target.</summary>
        public string? ReadLinkName(string name)
        {
            switch (Find(name, out var type))
            {
                case Lookup.Absent:
                    return null;
                case Lookup.ByPath:
                    return _root.ReadLinkName(PathOf(name));
            }

            if (type is not (TypeLink or TypeUnknown))
            {
                return null; // listed as a plain file or folder: no link to read
            }

            Span<byte> target = stackalloc byte[4096];
            var n = Native.ReadLinkAt(_fd, name, target);
            if (n < 0)
            {
                return null;
            }

            var text = target[..n].TrimEnd((byte)'/');
            return Encoding.UTF8.GetString(text[(text.LastIndexOf((byte)'/') + 1)..]);
        }

        /// <summary><see cref="HostRoot.Exists"/> of the entry <paramref name="name"/>.</summary>
        public bool Exists(string name)
        {
            switch (Find(name, out var type))
            {
                case Lookup.Absent:
                    return false;
                case Lookup.ByPath:
                    return _root.Exists(PathOf(name));
            }

            if (type is not (TypeLink or TypeUnknown))
            {
                return true;
            }

            // A link: under a captured tree it is resolved the general way (confined); on the running system the kernel
            // follows it (a dangling link does not exist).
            return _root._manual ? _root.Exists(PathOf(name)) : Native.EntryIsLink(_fd, name, noFollow: false) is not null;
        }

        /// <summary>Opens the entry <paramref name="name"/> for reads at offsets (<see cref="Native.PRead"/>): a descriptor
        /// to close with <see cref="Native.Close"/>, or -1 with <paramref name="missing"/> set when there is no such entry,
        /// or -1 alone when it is to be read by path (a link, a recording root).</summary>
        internal int OpenEntry(string name, out bool missing)
        {
            missing = false;
            switch (Find(name))
            {
                case Lookup.Absent:
                    missing = true;
                    return -1;
                case Lookup.ByPath:
                    return -1;
            }

            var fd = Native.OpenAt(_fd, name, noFollow: _root._manual);
            missing = fd < 0 && !(fd == -Native.LinkLoop && _root._manual);
            return Math.Max(-1, fd);
        }

        /// <summary>The host-view path of an entry, for the reads that go by path.</summary>
        public string PathOf(string name) => Combine(_hostPath, name);

        /// <inheritdoc/>
        public void Dispose()
        {
            if (_fd >= 0)
            {
                Native.Close(_fd);
                _fd = -1;
            }

            if (_entries is not null)
            {
                _root._folderEntries ??= _entries; // the listing buffer serves the next folder
                _entries = null;
            }
        }

        private enum Lookup
        {
            Absent,
            ByPath,
            Listed,
        }

        private Lookup Find(string name) => Find(name, out _);

        // Listed: the folder is open and lists the entry (type: its d_type). Absent: it does not, or the folder is missing.
        // ByPath: the path-based read answers (a recording root, a folder that did not open, a name of several components).
        private Lookup Find(string name, out byte type)
        {
            type = TypeUnknown;
            if (_fd < 0 || _entries is null || name.Length == 0 || name.Length > 255 || name.Contains('/') || name is "." or "..")
            {
                var folderMissing = _fd < 0 && _root.Log is null && _root._manual;
                return folderMissing ? Lookup.Absent : Lookup.ByPath;
            }

            Span<byte> wanted = stackalloc byte[768];
            wanted = wanted[..Encoding.UTF8.GetBytes(name, wanted)];
            var records = _entries.AsSpan(0, _used);
            for (var at = 0; at + 19 < records.Length;)
            {
                var length = BitConverter.ToUInt16(records[(at + 16)..]);
                if (length < 20 || at + length > records.Length)
                {
                    break;
                }

                var entryName = records.Slice(at + 19, length - 19);
                var end = entryName.IndexOf((byte)0);
                if ((end < 0 ? entryName : entryName[..end]).SequenceEqual(wanted))
                {
                    type = records[at + 18];
                    return Lookup.Listed;
                }

                at += length;
            }

            return Lookup.Absent;
        }
    }
}
