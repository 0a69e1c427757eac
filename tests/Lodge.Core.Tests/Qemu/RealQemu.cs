using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Lodge.Core.Tests.Qemu;

/// <summary>A process started from an argument list (never a shell) whose stderr is kept for failure messages.</summary>
internal sealed class RealQemu : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    private RealQemu(Process process) => Process = process;

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static RealQemu Start(IReadOnlyList<string> argv)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start '{argv[0]}'.");
        var real = new RealQemu(process);
        void Keep(object? _, DataReceivedEventArgs e)
        {
            lock (real._output)
            {
                real._output.AppendLine(e.Data);
            }
        }

        process.ErrorDataReceived += Keep;
        process.OutputDataReceived += Keep;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return real;
    }

    /// <summary>Waits until a unix socket accepts: QEMU and swtpm create it a moment before they listen.</summary>
    /// <param name="probe">False for a peer that serves one connection only (the C virtiofsd): then the socket's
    /// existence is enough, since a probing connect would use up that one connection.</param>
    public async Task WaitForSocketAsync(string path, TimeSpan timeout, bool probe = true)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(Process.HasExited, $"'{Process.StartInfo.FileName}' exited with {(Process.HasExited ? Process.ExitCode : 0)} before '{path}' was ready:\n{Output}");
            Assert.True(deadline.Elapsed < timeout, $"'{path}' did not accept a connection within {timeout.TotalSeconds} s.\n{Output}");
            if (File.Exists(path) && !probe)
            {
                return;
            }

            if (File.Exists(path))
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                    return;
                }
                catch (SocketException)
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
    }
}
