using Lodge.Linux.Processes;

namespace Lodge.Testing.Processes;

/// <summary>A process runner that records every command like <see cref="RecordingProcessRunner"/> and, for the boot tools
/// run inside a tree (<c>chroot DIR TOOL ...</c>), changes the tree the way the real tool does.</summary>
/// <remarks>
/// What the lab showed on a real Debian 12 (initramfs-tools 0.142, GRUB 2.06): an initramfs rebuilt from the same
/// configuration never has the same bytes (mkinitramfs packs the files with their times), so only a backup gives the
/// old image back. Each build here writes an image whose bytes name the build.
/// <list type="bullet">
/// <item><c>update-initramfs -u -k all</c>, <c>dracut -f --regenerate-all</c>, <c>mkinitcpio -P</c>: every default image in
/// /boot (<c>initrd.img-*</c> or <c>initramfs-*.img</c>, not Lodge's trial images) is rebuilt.</item>
/// <item><c>mkinitramfs ... -o IMAGE VERSION</c>, <c>dracut ... IMAGE</c>, <c>mkinitcpio ... -g IMAGE</c>: IMAGE is built.</item>
/// </list>
/// Other commands only answer exit 0 (or the scripted failure).
/// </remarks>
public sealed class SimulatedBootTools : IProcessRunner
{
    private readonly RecordingProcessRunner _recorder = new();
    private int _builds;

    /// <summary>Commands (the program name) that answer with exit code 1 instead of 0, and change nothing.</summary>
    public HashSet<string> Failing => _recorder.Failing;

    /// <summary>Every command run so far, program first.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Commands => _recorder.Commands;

    /// <inheritdoc/>
    public ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var result = _recorder.Run(file, arguments, timeout);
        if (result.ExitCode == 0 && file == "chroot" && arguments.Count > 1)
        {
            Act(arguments[0], [.. arguments.Skip(1)]);
        }

        return result;
    }

    /// <inheritdoc/>
    public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.FromResult(Run(file, arguments, timeout));

    private void Act(string root, IReadOnlyList<string> argv)
    {
        switch (argv)
        {
            case ["update-initramfs", .., "all"]:
                RebuildAll(root, n => n.StartsWith("initrd.img-", StringComparison.Ordinal));
                break;
            case ["dracut", _, "--regenerate-all"]:
            case ["mkinitcpio", "-P"]:
                RebuildAll(root, n => n.StartsWith("initramfs-", StringComparison.Ordinal) && n.EndsWith(".img", StringComparison.Ordinal));
                break;
            case ["mkinitramfs", ..] when Option(argv, "-o") is { } image:
                Build(root, image);
                break;
            case ["mkinitcpio", ..] when Option(argv, "-g") is { } image:
                Build(root, image);
                break;
            case ["dracut", ..] when argv[^1].StartsWith('/'):
                Build(root, argv[^1]);
                break;
        }
    }

    private static string? Option(IReadOnlyList<string> argv, string name)
    {
        var at = argv.ToList().IndexOf(name);
        return at >= 0 && at + 1 < argv.Count ? argv[at + 1] : null;
    }

    private void RebuildAll(string root, Func<string, bool> isDefaultImage)
    {
        var boot = Path.Combine(root, "boot");
        if (!Directory.Exists(boot))
        {
            return;
        }

        foreach (var image in Directory.EnumerateFiles(boot).Where(f => isDefaultImage(Path.GetFileName(f)) && !Path.GetFileName(f).StartsWith("lodge-trial-", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            Build(root, "/boot/" + Path.GetFileName(image));
        }
    }

    private void Build(string root, string image)
    {
        var path = root + image;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"initramfs {image}, build {++_builds}\n");
    }
}
