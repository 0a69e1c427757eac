using Lodge.App.Host;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.Cli.Tests.Guests;

// Issue 11: 'lodge status' names the right folder for every share. The launch spec comes from the real planner and
// builder with the host's virtiofsd of either flavour (its argv is the real one; only the program is a stand-in that
// waits without creating its socket), the real runtime writes the state file, and 'lodge status' reads it.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatusShareSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-status-shares-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory(Timeout = 120000)]
    [InlineData("rust")]
    [InlineData("c")]
    public async Task I_can_see_lodge_status_name_the_folder_of_each_of_two_virtiofs_shares_with_either_virtiofsd(string flavor)
    {
        // Arrange
        var roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        var media = Directory.CreateDirectory(Path.Combine(_dir, "media")).FullName;
        var spec = Spec(flavor, roots, ("data", data), ("media", media));
        using var stop = new CancellationTokenSource();
        var starting = Task.Run(() => new GuestRuntime(roots).StartAsync(spec, null, stop.Token));
        await WaitForStateWithHelpersAsync(roots, spec, starting);

        // Act
        var json = CliRun.RunWith(roots, "status", "m", "--json");
        var text = CliRun.RunWith(roots, "status", "m");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting);

        // Assert
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Contains($"\"data: {data} (virtiofs)\"", json.Out, StringComparison.Ordinal);
        Assert.Contains($"\"media: {media} (virtiofs)\"", json.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("?", json.Out.Split('\n').Where(l => l.Contains("(virtiofs)", StringComparison.Ordinal)).Aggregate(string.Empty, string.Concat), StringComparison.Ordinal);
        Assert.Contains($"data: {data} (virtiofs)", text.Console, StringComparison.Ordinal);
        Assert.Contains($"media: {media} (virtiofs)", text.Console, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120000)]
    public async Task I_can_see_lodge_status_name_a_9p_share_and_an_smb_share_with_their_folders()
    {
        // Arrange
        var roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        var docs = Directory.CreateDirectory(Path.Combine(_dir, "docs")).FullName;
        var spec = Spec("rust", roots, ("docs", docs)) with { Shares = [new SharedFolder("docs", docs, ShareProtocol.NineP), new SharedFolder("pub", docs, ShareProtocol.Smb)] };
        using var stop = new CancellationTokenSource();
        var starting = Task.Run(() => new GuestRuntime(roots).StartAsync(spec, null, stop.Token));
        await WaitForStateWithHelpersAsync(roots, spec, starting);

        // Act
        var json = CliRun.RunWith(roots, "status", "m", "--json");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting);

        // Assert
        Assert.Contains($"\"docs: {docs} (9p)\"", json.Out, StringComparison.Ordinal);
        Assert.Contains($"\"pub: {docs} (smb)\"", json.Out, StringComparison.Ordinal);
    }

    // The real plan of a machine with these virtiofs shares on a captured host whose virtiofsd has the given flavour.
    private LaunchSpec Spec(string flavor, RuntimeRoots roots, params (string Tag, string Folder)[] shares)
    {
        var fake = Path.Combine(_dir, $"virtiofsd-{flavor}");
        File.WriteAllText(fake, "#!/bin/sh\nexec sleep 60\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var toml = "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n" + string.Concat(shares.Select(s => $"\n[[share]]\nhost = \"{s.Folder}\"\ntag = \"{s.Tag}\"\nprotocol = \"virtiofs\"\n"));
        var parsed = MachineParser.Parse(toml, Path.Combine(_dir, "m.toml"), "m");
        Assert.Empty(parsed.Problems);
        var (host, assessments) = HostLoader.Load(RepoPaths.Host("EADE3920D9"));
        var plan = MachinePlanner.Plan(parsed.Machine, host, assessments, new RuntimeLayout(roots.RunDir("m"), roots.StateDir("m"))) with
        {
            Virtiofsd = new ToolInfo(fake, null, flavor == "c" ? ToolFlavor.C : ToolFlavor.Rust),
        };
        var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions("tcg"));
        Assert.Equal(shares.Length, spec.Helpers.Count(h => h.Name.StartsWith("virtiofsd-", StringComparison.Ordinal)));

        // Only the virtiofsd helpers, with their real argv; no TPM, no disks to create, no NVRAM to copy.
        return spec with { Helpers = [.. spec.Helpers.Where(h => h.Name.StartsWith("virtiofsd-", StringComparison.Ordinal))], DisksToCreate = [], Disks = [], Nvram = null };
    }

    // The runtime writes the state (with its shares) before it starts the first helper, then waits for that helper's socket.
    private static async Task WaitForStateWithHelpersAsync(RuntimeRoots roots, LaunchSpec spec, Task starting)
    {
        var store = new GuestStateStore(roots);
        using var limit = new CancellationTokenSource(Patience.Event);
        while (store.Read(spec.Machine) is not { Helpers.Count: > 0 })
        {
            Assert.False(starting.IsCompleted, starting.Exception?.ToString() ?? "The runtime ended before it started a helper.");
            await Task.Delay(20, limit.Token);
        }
    }
}
