using System.Diagnostics;
using Lodge.Core.Tests.Qemu;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>A session libvirtd that a test starts in a scratch folder of its own (as nobody when run as root), with
/// <c>virsh</c> against it; disposing stops the daemon and deletes the folder.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SessionLibvirtd : IAsyncDisposable
{
    private const string Nobody = "65534";
    private readonly string _run;
    private readonly bool _root;
    private RealQemu? _daemon;

    private SessionLibvirtd(string scratch, string run, bool root)
    {
        Scratch = scratch;
        _run = run;
        _root = root;
    }

    /// <summary>The scratch folder: files for virsh go here.</summary>
    public string Scratch { get; }

    /// <summary>Starts libvirtd (it exits by itself after <paramref name="idleSeconds"/> without clients) and waits for its socket.</summary>
    public static async Task<SessionLibvirtd> StartAsync(string prefix, int idleSeconds)
    {
        Assert.True(File.Exists("/usr/sbin/libvirtd"), "libvirtd is not installed.\nInstall it with 'apt-get install libvirt-daemon libvirt-daemon-driver-qemu'; ./run-tests does as root.");
        var scratch = Directory.CreateTempSubdirectory(prefix).FullName;
        var run = Directory.CreateDirectory(Path.Combine(scratch, "run")).FullName;
        Directory.CreateDirectory(Path.Combine(scratch, "home"));
        var session = new SessionLibvirtd(scratch, run, Environment.IsPrivilegedProcess);
        try
        {
            if (session._root)
            {
                await RunAsync(["chown", "-R", $"{Nobody}:{Nobody}", scratch]);
            }

            File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            session._daemon = RealQemu.Start(session.As("libvirtd", $"--timeout={idleSeconds}"));
            await session._daemon.WaitForSocketAsync(Path.Combine(run, "libvirt", "libvirt-sock"), TimeSpan.FromSeconds(30));
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>virsh -c qemu:///session ARGS</c> against this daemon; exit code and output.</summary>
    public Task<(int Code, string Text)> VirshAsync(params string[] args) => RunAsync(As(["virsh", "-c", "qemu:///session", .. args]));

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        Directory.Delete(Scratch, recursive: true);
    }

    private string[] As(params string[] argv) =>
        [.. _root ? (string[])["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"] : [],
         "env", "-i", "PATH=/usr/sbin:/usr/bin:/bin", $"XDG_RUNTIME_DIR={_run}", $"HOME={Scratch}/home", .. argv];

    private static async Task<(int Code, string Text)> RunAsync(string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + stderr);
    }
}
