using Lodge.Linux.Processes;

namespace Lodge.App.Demo;

/// <summary>The Debian/Ubuntu packages <c>lodge demo</c> needs: installs the missing ones as root (after saying which), otherwise says what to run.</summary>
public static class DemoPackages
{
    /// <summary>The packages that are missing, found by the files they provide (programs in <paramref name="programFolders"/>, the folders of PATH).</summary>
    public static IReadOnlyList<string> Missing(string share, IReadOnlyList<string> programFolders)
    {
        var missing = new List<string>();
        if (!OnPath(programFolders, "qemu-system-x86_64"))
        {
            missing.Add("qemu-system-x86");
        }

        if (!File.Exists("/bin/busybox") && !File.Exists("/usr/bin/busybox"))
        {
            missing.Add("busybox-static");
        }

        if (!OnPath(programFolders, "dpkg-deb"))
        {
            missing.Add("dpkg");
        }

        if (share == "virtiofs" && !new[] { "/usr/libexec/virtiofsd", "/usr/bin/virtiofsd", "/usr/lib/qemu/virtiofsd" }.Any(File.Exists))
        {
            missing.Add("virtiofsd");
        }

        return missing;
    }

    /// <summary>Installs <paramref name="missing"/> with apt-get when running as root; otherwise throws with the command to run.</summary>
    /// <param name="missing">What <see cref="Missing"/> found.</param>
    /// <param name="privileged">Whether lodge runs as root (only root installs).</param>
    /// <param name="runner">Runs apt-get.</param>
    /// <param name="programFolders">The folders of PATH.</param>
    /// <param name="say">Hears what is installed, before it is.</param>
    /// <param name="cancellationToken">Stops the install.</param>
    public static async Task EnsureAsync(IReadOnlyList<string> missing, bool privileged, IProcessRunner runner, IReadOnlyList<string> programFolders, Action<string> say, CancellationToken cancellationToken)
    {
        if (missing.Count == 0)
        {
            return;
        }

        var command = $"apt-get install -y {string.Join(' ', missing)}";
        if (!privileged || !OnPath(programFolders, "apt-get"))
        {
            throw new DemoPackagesException(missing) { Hint = $"Install them first, as root: {command}" };
        }

        ArgumentNullException.ThrowIfNull(say);
        say($"lodge demo needs {string.Join(", ", missing)}; installing: {command}");
        // HOST EFFECT: installs Debian packages; 'apt-get remove' undoes it.
        var result = await runner.RunAsync("apt-get", ["install", "-y", "-q", .. missing], TimeSpan.FromMinutes(15), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new DemoPackagesException(missing) { Hint = $"apt-get failed: {result.StandardError.Trim()}" };
        }
    }

    private static bool OnPath(IReadOnlyList<string> folders, string program) =>
        folders.Any(dir => File.Exists(Path.Combine(dir, program)));
}
