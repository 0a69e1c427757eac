using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Lodge.Qmp.Tests.Support;

/// <summary>A real <c>qemu-system-x86_64</c> under TCG with a QMP unix socket, started from an argument list (never a shell).</summary>
internal sealed class QemuUnderTest : IAsyncDisposable
{
    public const string Executable = "qemu-system-x86_64";

    private readonly StringBuilder _stderr = new();

    private QemuUnderTest(DirectoryInfo directory, Process process)
    {
        Directory = directory;
        Process = process;
    }

    public DirectoryInfo Directory { get; }

    public Process Process { get; }

    public string QmpSocketPath => Path.Combine(Directory.FullName, "qmp.sock");

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts a q35 machine, paused (<c>-S</c>), with no default devices plus <paramref name="extraArguments"/>.</summary>
    public static QemuUnderTest Start(params string[] extraArguments)
    {
        var executable = FindOnPath(Executable);
        Assert.True(executable is not null, $"'{Executable}' is not on PATH, so the QMP integration tests cannot run.\nInstall QEMU (Debian: apt-get install qemu-system-x86); CI does.");

        // Short temp path: a unix socket path must fit in 108 bytes.
        var directory = System.IO.Directory.CreateTempSubdirectory("lodge-qmp-");
        var socket = Path.Combine(directory.FullName, "qmp.sock");
        var start = new ProcessStartInfo(executable!)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in (string[])["-machine", "q35", "-accel", "tcg", "-display", "none", "-nodefaults", "-S", .. extraArguments, "-qmp", $"unix:{socket},server=on,wait=off"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start '{executable}'.");
        var qemu = new QemuUnderTest(directory, process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (qemu._stderr)
            {
                qemu._stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return qemu;
    }

    /// <summary>Waits until QEMU's QMP socket accepts connections.</summary>
    /// <remarks>
    /// The socket file appears at bind(), a moment before listen(); a connect in between is refused. So this probes
    /// with a raw connect (QEMU greets it, sees it close, and accepts the next client).
    /// </remarks>
    public async Task WaitForSocketAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(Process.HasExited, $"QEMU exited with {(Process.HasExited ? Process.ExitCode : 0)} before its QMP socket was ready: {Stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"QEMU's QMP socket '{QmpSocketPath}' did not accept a connection within {timeout.TotalSeconds} s.");
            if (File.Exists(QmpSocketPath))
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(QmpSocketPath));
                    return;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
                {
                    // Bound but not listening yet.
                }
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        Directory.Delete(recursive: true);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
