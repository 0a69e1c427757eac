using System.Text;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Demo;

/// <summary>The cached demo guest: a kernel and a busybox initramfs with the virtio, 9p and virtiofs modules of that same kernel.</summary>
/// <param name="Built">True when this call built it; false when it came from the cache.</param>
public sealed record DemoImage(string Kernel, string Initramfs, string KernelVersion, string KernelSource, bool Built)
{
    private const string Marker = "image.txt";

    /// <summary>Returns the cached image under <paramref name="cacheDir"/>, building it first when missing.</summary>
    /// <param name="progress">Receives a line per step and a fraction done.</param>
    /// <exception cref="DemoImageException">No usable kernel or busybox could be found.</exception>
    public static async Task<DemoImage> EnsureAsync(string cacheDir, IProcessRunner runner, IProgress<(string Step, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        var kernel = Path.Combine(cacheDir, "vmlinuz");
        var initramfs = Path.Combine(cacheDir, "initramfs.gz");
        var marker = Path.Combine(cacheDir, Marker);
        if (File.Exists(kernel) && File.Exists(initramfs) && File.Exists(marker))
        {
            var lines = await File.ReadAllLinesAsync(marker, cancellationToken).ConfigureAwait(false);
            return new DemoImage(kernel, initramfs, lines[0], lines.ElementAtOrDefault(1) ?? "cache", Built: false);
        }

        Directory.CreateDirectory(cacheDir);
        var busybox = FindStaticBusybox()
            ?? throw new DemoImageException("No statically linked busybox was found at /bin/busybox or /usr/bin/busybox.") { Hint = "Install it with 'apt-get install busybox-static'." };

        progress?.Report(("Finding a kernel", 0.05));
        var (sourceKernel, modulesDir, version, source) = HostKernel() ?? await DebianKernelAsync(cacheDir, runner, progress, cancellationToken).ConfigureAwait(false);

        progress?.Report(("Packing the initramfs", 0.8));
        var temporary = initramfs + ".tmp";
        using (var cpio = new CpioWriter(temporary))
        {
            foreach (var dir in new[] { "bin", "dev", "proc", "sys", "mnt", "tmp", "lib", "lib/modules" })
            {
                cpio.AddDirectory(dir);
            }

            cpio.AddFile("bin/busybox", await File.ReadAllBytesAsync(busybox, cancellationToken).ConfigureAwait(false), Convert.ToInt32("755", 8));
            cpio.AddSymlink("bin/sh", "busybox");
            cpio.AddFile("init", Encoding.UTF8.GetBytes(DemoInit.Script.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n"), Convert.ToInt32("755", 8));
            foreach (var module in DemoInit.Modules)
            {
                var path = Path.Combine(modulesDir, "kernel", module);
                if (File.Exists(path))
                {
                    cpio.AddFile($"lib/modules/{Path.GetFileName(module)}", await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), Convert.ToInt32("644", 8));
                }
            }
        }

        File.Copy(sourceKernel, kernel, overwrite: true);
        File.Move(temporary, initramfs, overwrite: true);
        await File.WriteAllTextAsync(marker, $"{version}\n{source}\n", cancellationToken).ConfigureAwait(false);
        foreach (var scratch in new[] { "download", "kernel-tree" }.Select(d => Path.Combine(cacheDir, d)).Where(Directory.Exists))
        {
            // The unpacked package (~500 MB) is only needed while packing; the image is two files.
            Directory.Delete(scratch, recursive: true);
        }

        progress?.Report(("Done", 1.0));
        return new DemoImage(kernel, initramfs, version, source, Built: true);
    }

    private static (string Kernel, string Modules, string Version, string Source)? HostKernel()
    {
        var version = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var kernel = $"/boot/vmlinuz-{version}";
        var modules = $"/lib/modules/{version}";
        try
        {
            using var probe = File.OpenRead(kernel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Directory.Exists(Path.Combine(modules, "kernel")) ? (kernel, modules, version, "the host's kernel") : null;
    }

    private static async Task<(string, string, string, string)> DebianKernelAsync(string cacheDir, IProcessRunner runner, IProgress<(string, double)>? progress, CancellationToken cancellationToken)
    {
        // "apt-cache depends linux-image-amd64" prints "  Depends: linux-image-6.1.0-56-amd64".
        var depends = await runner.RunAsync("apt-cache", ["depends", "linux-image-amd64"], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        var package = depends.StandardOutput.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("Depends: linux-image-", StringComparison.Ordinal)).Select(l => l["Depends: ".Length..]).FirstOrDefault()
            ?? throw new DemoImageException("The host's kernel is not readable and apt-cache knows no linux-image-amd64 package to take one from.") { Hint = "Run 'apt-get update', or make /boot/vmlinuz-$(uname -r) and /lib/modules readable." };

        var download = Path.Combine(cacheDir, "download");
        Directory.CreateDirectory(download);
        progress?.Report(($"Downloading {package} (not installed)", 0.15));
        // apt-get download writes to the working folder; the shell only changes folder (arguments are passed positionally, never interpolated).
        var deb = Directory.GetFiles(download, $"{package}_*.deb").FirstOrDefault();
        var fetched = deb is not null ? null : await runner.RunAsync("sh", ["-c", "cd \"$1\" && exec apt-get download \"$2\"", "apt-get-download", download, package], TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        deb ??= Directory.GetFiles(download, $"{package}_*.deb").FirstOrDefault()
            ?? throw new DemoImageException($"apt-get download {package} failed: {fetched?.StandardError.Trim()}");

        progress?.Report(($"Unpacking {Path.GetFileName(deb)}", 0.5));
        var tree = Path.Combine(cacheDir, "kernel-tree");
        var unpacked = await runner.RunAsync("dpkg-deb", ["-x", deb, tree], TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        if (unpacked.ExitCode != 0)
        {
            throw new DemoImageException($"dpkg-deb could not unpack '{deb}': {unpacked.StandardError.Trim()}");
        }

        var vmlinuz = Directory.GetFiles(Path.Combine(tree, "boot"), "vmlinuz-*").Single();
        var version = Path.GetFileName(vmlinuz)["vmlinuz-".Length..];
        var modules = Directory.GetDirectories(Path.Combine(tree, "lib", "modules")).Single();
        return (vmlinuz, modules, version, $"Debian's {package} (unpacked, not installed)");
    }

    private static string? FindStaticBusybox()
    {
        foreach (var path in new[] { "/bin/busybox", "/usr/bin/busybox" })
        {
            if (File.Exists(path) && !HasInterpreter(path))
            {
                return path;
            }
        }

        return null;
    }

    private static bool HasInterpreter(string path)
    {
        // ELF64: e_phoff at 0x20, e_phentsize at 0x36, e_phnum at 0x38; a PT_INTERP (3) header means dynamically linked.
        var bytes = File.ReadAllBytes(path);
        var phoff = (int)BitConverter.ToInt64(bytes, 0x20);
        var size = BitConverter.ToUInt16(bytes, 0x36);
        var count = BitConverter.ToUInt16(bytes, 0x38);
        return Enumerable.Range(0, count).Any(i => BitConverter.ToUInt32(bytes, phoff + (i * size)) == 3);
    }
}
