using System.Net;
using System.Net.Sockets;
using Lodge.Core.Reports;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge serve</c> of the shipped NativeAOT binary on loopback (a free port, its token) over a captured host
/// (<c>--root EADE3920D9 --simulated-host</c>), with temporary run, state and config folders, one machine that hands the
/// tree's GPU over (<c>gpu1</c>) and a few imported reports; every CLI run goes to the same binary with the same folders.</summary>
public sealed class NativeServeFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("lodge-aot-serve-").FullName;

    public string Lodge { get; private set; } = "";

    public string HostTree => RepoPaths.Host("EADE3920D9");

    public string StateRoot => Path.Combine(Root, "state");

    public int Port { get; } = FreePort();

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string LoginUrl { get; private set; } = "";

    public string ServerLog => Path.Combine(Root, "serve.log");

    private SpawnedProcess? _server;

    public async Task InitializeAsync()
    {
        Lodge = await NativeLodge.EnsureAsync();
        var machines = Directory.CreateDirectory(Path.Combine(Root, "machines")).FullName;
        await File.WriteAllTextAsync(Path.Combine(machines, "gpu1.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");

        // Reports made elsewhere, so that the report documents have something to say about the tree's GPU and others.
        var reports = Path.Combine(Root, "elsewhere.json");
        await File.WriteAllTextAsync(reports, ReportJson.Write([.. Enumerable.Range(0, 24).Select(SyntheticCatalog.Report)]));
        var import = await RunAsync("report", "import", reports);
        Assert.True(import.ExitCode == 0, import.StandardOutput + import.StandardError);

        var url = await RunAsync("serve", "--print-url", "--listen", $"127.0.0.1:{Port}");
        Assert.True(url.ExitCode == 0, url.StandardError);
        LoginUrl = url.StandardOutput.Trim();
        _server = await StartServeAsync(Port, ServerLog);
    }

    /// <summary>Starts <c>lodge serve --simulated-host</c> on <paramref name="port"/> and waits until it accepts connections.</summary>
    public async Task<SpawnedProcess> StartServeAsync(int port, string log)
    {
        var server = SpawnedProcess.Start([Lodge, .. Arguments("serve", "--listen", $"127.0.0.1:{port}", "--simulated-host")], log, newSession: false, Environment());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                Console.WriteLine($"The native 'lodge serve' listened after {clock.Elapsed.TotalSeconds:0.0} s.");
                return server;
            }
            catch (SocketException)
            {
                Assert.False(server.Exited.IsCompleted, "The native 'lodge serve' exited before it listened:\n" + await File.ReadAllTextAsync(log));
                Assert.True(clock.Elapsed < Patience.Event, $"The native 'lodge serve' did not listen on {port} within {Patience.Event.TotalSeconds} s:\n" + await File.ReadAllTextAsync(log));
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Runs the native <c>lodge ARGS...</c> with this fixture's root, folders and database.</summary>
    public async Task<ProcessResult> RunAsync(params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(args))!;
        var outText = process.StandardOutput.ReadToEndAsync();
        var errText = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Patience.Event);
        await process.WaitForExitAsync(limit.Token);
        return new ProcessResult(process.ExitCode, await outText, await errText);
    }

    private System.Diagnostics.ProcessStartInfo StartInfo(string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Lodge) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in Arguments(args))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private IEnumerable<string> Arguments(params string[] args) =>
        [.. args, "--root", HostTree, "--config-dir", Path.Combine(Root, "machines"), "--reports-db", Path.Combine(Root, "reports.db")];

    // The run and state folders of this fixture (the suite's GuestFixture exports its own for the whole process); no test hooks.
    private Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        ["LODGE_RUN_DIR"] = Path.Combine(Root, "run"),
        ["LODGE_STATE_DIR"] = StateRoot,
        ["LODGE_TEST_HOOKS"] = "0",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(TimeSpan.FromSeconds(10));
        }

        Directory.Delete(Root, recursive: true);
    }
}
