using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge setup --root DIR</c> never reaches past DIR: links that leave it are resolved inside it, and no program of
/// the running system runs (fake ones on PATH record any call).</summary>
public sealed class SetupRootSpecs : IDisposable
{
    private static readonly string[] Tools =
    [
        "update-initramfs", "update-grub", "grub-mkconfig", "grub2-mkconfig", "grub-reboot", "grub2-reboot", "grub-editenv",
        "grub2-editenv", "systemctl", "dracut", "mkinitcpio", "bootctl", "kernelstub", "kernel-install", "chroot",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-setup-root-").FullName;

    public SetupRootSpecs()
    {
        Directory.CreateDirectory(FakeBin);
        foreach (var tool in Tools)
        {
            var path = Path.Combine(FakeBin, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> '{Ran}'\nexit 0\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            }
        }

        // The tree: a captured host with Debian's boot files laid over it.
        var data = Path.Combine(RepoPaths.Root, "tests", "data", "setup", "debian");
        Copy(new DirectoryInfo(RepoPaths.Host(File.ReadAllText(Path.Combine(data, "base")).Trim())), Tree);
        Copy(new DirectoryInfo(Path.Combine(data, "root")), Tree);
        Directory.CreateDirectory(Outside);
    }

    private string Tree => Path.Combine(_dir, "tree");

    // Beside the tree: what an absolute or a '..' link out of it would reach.
    private string Outside => Path.Combine(_dir, "outside");

    private string FakeBin => Path.Combine(_dir, "fake-bin");

    private string Ran => Path.Combine(_dir, "ran.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 120000)]
    public async Task I_can_apply_and_revert_setup_on_a_tree_with_links_out_of_it_and_nothing_outside_changes_and_no_host_tool_runs()
    {
        // Arrange: an absolute link and a '..' link out of the tree, where setup writes new files.
        File.CreateSymbolicLink(Path.Combine(Tree, "etc", "sysctl.d"), Path.Combine(Outside, "sysctl.d"));
        File.CreateSymbolicLink(Path.Combine(Tree, "etc", "modprobe.d"), "../../outside/modprobe.d");
        Directory.CreateDirectory(Path.Combine(Outside, "sysctl.d"));
        Directory.CreateDirectory(Path.Combine(Outside, "modprobe.d"));
        var before = Outer();

        // Act: sysctl.d is written at --apply; modprobe.d (a module option the fallback entry would read) only at --confirm.
        var apply = await SetupAsync("--apply");
        var afterApply = Outer();
        var confirm = await SetupAsync("--confirm");
        var afterConfirm = Outer();
        var inside = File.Exists(Path.Combine(Tree + Outside, "sysctl.d", "90-lodge.conf")) && File.Exists(Path.Combine(Tree, "outside", "modprobe.d", "lodge-vfio.conf"));
        var revert = await SetupAsync("--revert");
        var revertApply = await SetupAsync("--revert");

        // Assert
        Assert.True(apply.Exit == 0, apply.Output);
        Assert.True(confirm.Exit == 0, confirm.Output);
        Assert.True(revert.Exit == 0, revert.Output);
        Assert.True(revertApply.Exit == 0, revertApply.Output);
        Assert.Equal(before, afterApply);
        Assert.Equal(before, afterConfirm);
        Assert.Equal(before, Outer());
        Assert.False(File.Exists(Ran), File.Exists(Ran) ? "A host tool ran: " + File.ReadAllText(Ran) : "");
        Assert.True(inside, "The files behind the links were not written inside the tree.\n" + apply.Output + confirm.Output);
        Assert.Contains("Not run: mkinitramfs ", apply.Output, StringComparison.Ordinal);
        Assert.Contains($"Not run: update-initramfs -u -k all (there is no 'update-initramfs' inside '{Tree}'", confirm.Output, StringComparison.Ordinal);
        Assert.Contains("Not run: systemctl disable lodge-rescue.service", revert.Output + revertApply.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Tree + Outside, "sysctl.d", "90-lodge.conf")));
        Assert.False(File.Exists(Path.Combine(Tree, "outside", "modprobe.d", "lodge-vfio.conf")));
    }

    [Fact(Timeout = 120000)]
    public async Task I_can_apply_setup_on_a_tree_whose_folder_links_to_its_own_absolute_path_and_it_refuses_with_the_tree_as_it_was()
    {
        // Arrange: DIR/etc/sysctl.d -> /etc/sysctl.d (the link a copied system often holds): inside DIR it points at itself.
        File.CreateSymbolicLink(Path.Combine(Tree, "etc", "sysctl.d"), "/etc/sysctl.d");
        var before = Outer();
        var tree = Inner();

        // Act
        var apply = await SetupAsync("--apply");

        // Assert
        Assert.True(apply.Exit == 3, apply.Output);
        Assert.Contains($"Error: '/etc/sysctl.d/90-lodge.conf' cannot be resolved inside '{Tree}': a link on the way loops", apply.Output, StringComparison.Ordinal);
        Assert.Equal(before, Outer());
        Assert.Equal(tree, Inner());
        Assert.False(File.Exists(Ran));
    }

    private async Task<(int Exit, string Output)> SetupAsync(params string[] mode)
    {
        var log = Path.Combine(_dir, $"setup-{Guid.NewGuid():N}.log");
        var process = SpawnedProcess.Start(
            [LodgeCli.Path, "setup", "--root", Tree, "--config-dir", Path.Combine(RepoPaths.Root, "tests", "data", "setup", "debian", "machines"), .. mode],
            log,
            environment: new Dictionary<string, string> { ["PATH"] = FakeBin + ":" + Environment.GetEnvironmentVariable("PATH") });
        var exit = await process.Exited.WaitAsync(TimeSpan.FromSeconds(100));
        return (exit.ExitCode ?? -1, File.ReadAllText(log));
    }

    // Everything in the test folder outside the tree (the fake tools and their log excluded), with its bytes.
    private string Outer() => Listing(_dir, p => !p.StartsWith(Tree + "/", StringComparison.Ordinal) && p != Tree && !p.StartsWith(FakeBin, StringComparison.Ordinal) && !p.EndsWith(".log", StringComparison.Ordinal));

    private string Inner() => Listing(Tree, _ => true);

    private static string Listing(string root, Func<string, bool> keep) =>
        string.Join('\n', Lodge.Linux.Simulation.TreeCopy.Walk(root)
            .Where(keep)
            .Select(p => new FileInfo(p) is { LinkTarget: { } link } ? $"{p} -> {link}"
                : Directory.Exists(p) ? p + "/"
                : $"{p} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))}"));

    private static void Copy(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in from.EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo dir)
            {
                Copy(dir, target);
            }
            else
            {
                File.Copy(entry.FullName, target, overwrite: true);
            }
        }
    }
}
