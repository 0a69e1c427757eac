using Lodge.Core.Setup;
using Lodge.Linux.Host;

namespace Lodge.Linux.Setup;

/// <summary>Reads, below a root, the host files <see cref="SetupPlanner"/> may touch.</summary>
public static class SetupFiles
{
    /// <summary>The text of every file the planner may read: its fixed list, every loader entry and every dracut.conf.d file.</summary>
    /// <exception cref="SetupException">A file exists but cannot be read.</exception>
    public static IReadOnlyDictionary<string, string?> Read(string rootPath)
    {
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        var paths = SetupPlanner.FilesToRead
            .Concat(SetupPlanner.LoaderEntryDirectories.SelectMany(d => List(rootPath, d, "*.conf")))
            .Concat(List(rootPath, "/etc/dracut.conf.d", "*"))
            .Concat(SetupPlanner.DirectoriesToRead.SelectMany(d => List(rootPath, d, "*", SearchOption.AllDirectories)))
            .Distinct(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var real = Real(rootPath, path);
            if (new FileInfo(new ConfinedFiles(rootPath).Resolve(path)).LinkTarget is { } target)
            {
                // A rename would replace the link with a file, and a revert could not give the link back.
                throw new SetupException($"'{path}' is a symbolic link (to '{target}'), and setup edits only regular files.", path) { Hint = $"Replace '{path}' with a copy of its target, or edit it by hand; nothing was written." };
            }

            try
            {
                files[path] = File.Exists(real) ? File.ReadAllText(real) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SetupException($"Cannot read '{path}' below '{rootPath}'.", path, e) { Hint = "Run 'lodge setup' as root." };
            }
        }

        return files;
    }

    /// <summary>The real path of a host-view path below the root, every link on the way resolved inside the root (as
    /// <see cref="HostRoot"/> reads do); a link loop gives a path that does not exist.</summary>
    public static string Real(string rootPath, string hostPath)
    {
        var root = new HostRoot(rootPath);
        var canonical = root.Canonicalize(hostPath);
        return HostRoot.IsUnresolvable(canonical) ? root.ToReal("/" + "\u0001lodge-link-loop") : root.ToReal(canonical);
    }

    /// <summary>The kernel images in /boot (host view, <c>/boot/vmlinuz-VERSION</c>), for the trial initramfs.</summary>
    public static IReadOnlyList<string> KernelImages(string rootPath) => [.. List(rootPath, "/boot", "vmlinuz-*")];

    /// <summary>The kernel and initramfs images in /boot (host view: <c>vmlinuz-*</c>, <c>initrd.img-*</c>, <c>initramfs-*.img</c>):
    /// the kernel the trial boots, and the images a confirm rebuilds (backed up first).</summary>
    public static IReadOnlyList<string> BootImages(string rootPath) =>
        [.. KernelImages(rootPath).Concat(List(rootPath, "/boot", "initrd.img-*")).Concat(List(rootPath, "/boot", "initramfs-*.img")).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> List(string rootPath, string dir, string pattern, SearchOption option = SearchOption.TopDirectoryOnly)
    {
        var real = Real(rootPath, dir);
        return Directory.Exists(real)
            ? Directory.EnumerateFiles(real, pattern, option).Select(f => dir + "/" + Path.GetRelativePath(real, f).Replace('\\', '/')).Order(StringComparer.Ordinal)
            : [];
    }
}
