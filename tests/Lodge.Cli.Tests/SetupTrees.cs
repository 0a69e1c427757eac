using Lodge.Linux.Simulation;
using System.Text;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Builds a setup fixture tree (a captured host with tests/data/setup/DISTRO/root laid over it) and snapshots trees.</summary>
internal static class SetupTrees
{
    public static string Data(string distro) => Path.Combine(RepoPaths.Root, "tests", "data", "setup", distro);

    public static string Machines(string distro) => Path.Combine(Data(distro), "machines");

    public static string GoldenPath(string name) => Path.Combine(RepoPaths.Root, "tests", "Lodge.Cli.Tests", "Golden", "setup", name);

    public static TreeCopy Create(string distro)
    {
        var tree = new TreeCopy(RepoPaths.Host(File.ReadAllText(Path.Combine(Data(distro), "base")).Trim()));
        Overlay(Path.Combine(Data(distro), "root"), tree.Root);
        PlantTools(tree.Root);
        return tree;
    }

    /// <summary>The programs setup may run, as executables in the tree's /usr/sbin: below --root a command runs (through chroot)
    /// only when the tree has it, and the recording runner never really runs them.</summary>
    public static readonly string[] Tools =
    [
        "update-initramfs", "update-grub", "grub-mkconfig", "grub2-mkconfig", "grub-reboot", "grub2-reboot", "grub-editenv",
        "grub2-editenv", "systemctl", "dracut", "mkinitcpio", "bootctl", "kernelstub", "kernel-install", "mkinitramfs", "proxmox-boot-tool",
    ];

    private static void PlantTools(string root)
    {
        var sbin = Directory.CreateDirectory(Path.Combine(root, "usr", "sbin")).FullName;
        foreach (var tool in Tools)
        {
            var path = Path.Combine(sbin, tool);
            File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            }
        }
    }

    /// <summary>A transcript or output with the tree's random root shown as DIR.</summary>
    public static string Portable(string text, TreeCopy tree) => text.Replace(tree.Root, "DIR", StringComparison.Ordinal);

    /// <summary>Every entry below the root with its bytes (files), its target (links) or "dir"; Lodge's own backups excluded.</summary>
    public static SortedDictionary<string, string> Snapshot(string root, bool includeBackups = false)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var full in TreeCopy.Walk(root))
        {
            var rel = full[root.Length..];
            if (!includeBackups && (rel is "/var" or "/var/lib" or "/var/lib/lodge" || rel.StartsWith("/var/lib/lodge/", StringComparison.Ordinal)))
            {
                continue;
            }

            var info = new FileInfo(full);
            result[rel] = info.LinkTarget is { } link ? "link:" + link
                : Directory.Exists(full) ? "dir"
                : $"{(OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(full))}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(full)))}";
        }

        return result;
    }

    /// <summary>Asserts two snapshots are equal, naming the first entry that differs.</summary>
    public static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var diff = new StringBuilder();
        foreach (var key in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            var e = expected.GetValueOrDefault(key);
            var a = actual.GetValueOrDefault(key);
            if (e != a)
            {
                diff.Append($"{key}: expected {e ?? "<absent>"}, actual {a ?? "<absent>"}\n");
            }
        }

        Assert.True(diff.Length == 0, "The trees differ:\n" + diff);
    }

    private static void Overlay(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry is DirectoryInfo dir)
            {
                Overlay(dir.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target, overwrite: true);
            }
        }
    }
}
