using System.IO.Compression;
using System.Text;
using Lodge.Linux.Demo;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>The files the runtime writes: pasteable .args, state.json, and the demo's cpio initramfs.</summary>
public sealed class RuntimeFileSpecs
{
    [Fact]
    public void I_can_save_an_argv_as_one_option_per_line_that_a_shell_can_paste()
    {
        // Arrange
        string[] argv = ["qemu-system-x86_64", "-name", "guest=demo", "-nodefaults", "-append", "console=ttyS0 quiet", "-virtfs", "local,path=/srv/it's,mount_tag=share"];

        // Act
        var text = Lodge.Core.Qemu.QemuCommandLine.Format(argv);

        // Assert
        Assert.Equal(
            "qemu-system-x86_64 \\\n-name guest=demo \\\n-nodefaults \\\n-append 'console=ttyS0 quiet' \\\n-virtfs 'local,path=/srv/it'\\''s,mount_tag=share'\n",
            text);
    }

    [Fact]
    public void I_can_write_state_json_and_read_it_back_and_a_killed_lodge_leaves_state_the_next_refresh_cleans()
    {
        // Arrange
        var root = Directory.CreateTempSubdirectory("lodge-state-").FullName;
        var store = new GuestStateStore(new RuntimeRoots(Path.Combine(root, "run"), Path.Combine(root, "state")));
        var dead = new GuestProcessState("qemu", int.MaxValue - 1, 1, Path.Combine(root, "qmp.sock"));
        var state = new GuestState("gone", GuestPhase.Running, DateTimeOffset.UnixEpoch, null, dead, [], dead.Socket!, null, [], [], []);

        // Act
        store.Write(state);
        var read = store.Read("gone");
        var refreshed = store.Refresh("gone", out var cleaned);

        // Assert
        Assert.Equal(dead, read!.Qemu);
        Assert.Null(refreshed);
        Assert.Equal($"Cleaned stale state of 'gone': its QEMU (pid {dead.Pid}) is gone; 0 leftover helper(s) stopped.", cleaned);
        Assert.Empty(store.Machines());
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void I_can_pack_an_initramfs_as_gzip_newc_cpio_with_aligned_headers()
    {
        // Arrange
        var path = Path.GetTempFileName();

        // Act
        using (var cpio = new CpioWriter(path))
        {
            cpio.AddDirectory("bin");
            cpio.AddFile("init", Encoding.ASCII.GetBytes("#!/bin/sh\n"), Convert.ToInt32("755", 8));
        }

        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        var bytes = plain.ToArray();
        var text = Encoding.ASCII.GetString(bytes);

        // Assert
        Assert.StartsWith("070701", text, StringComparison.Ordinal);
        Assert.Contains("init\0", text, StringComparison.Ordinal);
        Assert.Contains("TRAILER!!!\0", text, StringComparison.Ordinal);
        Assert.Equal(0, bytes.Length % 4);
        Assert.Equal(3, text.Split("070701").Length - 1);
        File.Delete(path);
    }
}
