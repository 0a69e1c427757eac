using System.Diagnostics;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>Issue 10 item 2: NVRAM and the other files Lodge writes are whole or absent, and a cut-off NVRAM is never booted.</summary>
public sealed class NvramSpecs : IDisposable
{
    private const int TemplateBytes = 540672; // OVMF_VARS_4M.fd
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-nvram-").FullName;
    private readonly RuntimeRoots _roots;
    private readonly string _template;

    public NvramSpecs()
    {
        _roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        _template = Path.Combine(_dir, "OVMF_VARS_4M.fd");
        File.WriteAllBytes(_template, Enumerable.Range(0, TemplateBytes).Select(i => (byte)(i * 7)).ToArray());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LaunchSpec Spec(string nvram) =>
        new("m", new RuntimeLayout(_roots.RunDir("m"), _roots.StateDir("m")), ["/bin/false"], [], Path.Combine(_roots.RunDir("m"), "qmp.sock"), null, [], [], new NvramCopy(_template, nvram), []);

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_start_a_guest_whose_nvram_was_cut_off_and_get_the_file_and_the_fix_named()
    {
        // Arrange: what a full disk left behind.
        var nvram = Path.Combine(_roots.StateDir("m"), "nvram.fd");
        Directory.CreateDirectory(_roots.StateDir("m"));
        File.WriteAllBytes(nvram, File.ReadAllBytes(_template)[..4096]);
        var runtime = new GuestRuntime(_roots);

        // Act
        var error = await Assert.ThrowsAsync<GuestRuntimeException>(() => runtime.StartAsync(Spec(nvram)));

        // Assert
        Assert.Equal($"The NVRAM file '{nvram}' of 'm' has 4096 bytes, and its template '{_template}' has {TemplateBytes}, so it is damaged (cut off by a full disk, perhaps) and Lodge will not boot from it.", error.Message);
        Assert.Contains("lodge up m --reset-nvram", error.Hint, StringComparison.Ordinal);
        Assert.Equal(4096, new FileInfo(nvram).Length);
        Assert.Null(runtime.Store.Read("m"));
    }

    [Fact]
    public void I_can_reset_a_damaged_nvram_from_its_template_explicitly()
    {
        // Arrange
        var nvram = Path.Combine(_roots.StateDir("m"), "nvram.fd");
        Directory.CreateDirectory(_roots.StateDir("m"));
        File.WriteAllBytes(nvram, new byte[100]);

        // Act
        GuestRuntime.ResetNvram(Spec(nvram));

        // Assert
        Assert.Equal(File.ReadAllBytes(_template), File.ReadAllBytes(nvram));
        Assert.Empty(Directory.GetFiles(_roots.StateDir("m"), ".*"));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_start_a_guest_on_a_full_state_folder_and_find_no_cut_off_nvram_afterwards()
    {
        // Arrange: a 64 KiB tmpfs as the state folder, too small for the 528 KiB template (needs root, as the suite runs).
        Assert.True(Environment.IsPrivilegedProcess, "This spec mounts a tmpfs, which needs root.");
        var full = Path.Combine(_dir, "full");
        Directory.CreateDirectory(full);
        Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full);
        try
        {
            var roots = new RuntimeRoots(Path.Combine(_dir, "run"), full);
            var nvram = Path.Combine(full, "m", "nvram.fd");
            var spec = Spec(nvram) with { Layout = new RuntimeLayout(roots.RunDir("m"), roots.StateDir("m")) };
            var runtime = new GuestRuntime(roots);

            // Act
            var first = await Record.ExceptionAsync(() => runtime.StartAsync(spec));
            var second = await Record.ExceptionAsync(() => runtime.StartAsync(spec));

            // Assert: the copy failed as a whole; nothing half-written is left to be booted next time.
            var error = Assert.IsType<GuestRuntimeException>(first);
            Assert.Equal($"Lodge could not copy the NVRAM template '{_template}' to '{nvram}', and left no partial copy.", error.Message);
            Assert.IsType<IOException>(error.InnerException);
            Assert.False(File.Exists(nvram), "A cut-off nvram.fd was left behind.");
            Assert.Empty(Directory.GetFiles(Path.Combine(full, "m")));
            Assert.IsType<GuestRuntimeException>(second);
        }
        finally
        {
            Run("umount", full);
        }
    }

    [Fact]
    public void I_can_write_a_file_atomically_and_a_failed_write_leaves_the_old_one_whole()
    {
        // Arrange
        var path = Path.Combine(_dir, "state.json");
        File.WriteAllText(path, "old");

        // Act
        var error = Record.Exception(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new IOException("No space left on device");
        }, overwrite: true));
        AtomicFile.WriteText(Path.Combine(_dir, "new.json"), "new");

        // Assert
        Assert.IsType<IOException>(error);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal("new", File.ReadAllText(Path.Combine(_dir, "new.json")));
        Assert.Empty(Directory.GetFiles(_dir, ".*"));
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(file, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
