using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary>A running <c>lodge serve --tcg</c> (the real binary, a real socket) over temporary run, state and config
/// folders with one machine, <c>web1</c>, that boots the echoing boot sector.</summary>
public class DashboardFixture : IAsyncLifetime
{
    /// <summary>Extra arguments of every lodge run (the server's included), e.g. <c>--root TREE</c>.</summary>
    protected virtual IReadOnlyList<string> GlobalArgs => [];

    /// <summary>Extra arguments of <c>lodge serve</c>.</summary>
    protected virtual IReadOnlyList<string> ServeArgs => [];

    /// <summary>Writes more machine files into <see cref="ConfigDir"/>.</summary>
    protected virtual void WriteMachines()
    {
    }

    public static string Lodge { get; } = Path.Combine(AppContext.BaseDirectory, "lodge");

    public string Root { get; } = Directory.CreateTempSubdirectory("lodge-web-").FullName;

    public string RunRoot => Path.Combine(Root, "run");

    public string StateRoot => Path.Combine(Root, "state");

    public string ConfigDir => Path.Combine(Root, "machines");

    public string ReportsDb => Path.Combine(Root, "reports.db");

    public int Port { get; } = FreePort();

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string LoginUrl { get; private set; } = "";

    private Process? _server;

    /// <summary>What the server printed.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string?> ServerLog { get; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ConfigDir);
        var image = Path.Combine(Root, "boot.img");
        BootSector.Write(image);
        await File.WriteAllTextAsync(Path.Combine(ConfigDir, "web1.toml"), $"""
            os = "linux"

            [cpu]
            cores = 1
            threads = 1
            pin = "none"

            [memory]
            size = "128M"
            hugepages = "off"

            [firmware]
            type = "bios"

            [[disk]]
            path = "{image}"

            [network]
            mode = "none"

            [display]
            type = "none"

            [audio]
            backend = "none"
            """);

        WriteMachines();
        var url = await RunAsync("serve", "--print-url", "--listen", $"127.0.0.1:{Port}");
        Assert.True(url.ExitCode == 0, url.StandardError);
        LoginUrl = url.StandardOutput.Trim();

        var start = Start(["serve", "--tcg", "--listen", $"127.0.0.1:{Port}", .. ServeArgs]);
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, e) => ServerLog.Add(e.Data);
        _server.ErrorDataReceived += (_, e) => ServerLog.Add(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (clock.Elapsed < Patience.Event && !_server.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Runs <c>lodge ARGS...</c> with this fixture's folders.</summary>
    public async Task<ProcessResult> RunAsync(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(Patience.Event).Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>lodge status --json</c>'s guests.</summary>
    public async Task<JsonArray> GuestsAsync() =>
        JsonNode.Parse((await RunAsync("status", "--json")).StandardOutput)!["guests"]!.AsArray();

    private ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo(Lodge) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args.Concat(["--config-dir", ConfigDir, "--reports-db", ReportsDb, .. GlobalArgs]))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LODGE_RUN_DIR"] = RunRoot;
        start.Environment["LODGE_STATE_DIR"] = StateRoot;
        start.Environment["LODGE_TEST_HOOKS"] = "1";
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills <c>lodge serve</c> alone (SIGKILL to its pid, not its process tree), as a crash or a stop of its unit would.</summary>
    public async Task KillServerAsync()
    {
        _server!.Kill(entireProcessTree: false);
        await _server.WaitForExitAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await RunAsync("down", "web1", "--timeout", "1", "--force");
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
