using Lodge.Core.Runtime;
using Lodge.Linux.Demo;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;

namespace Lodge.IntegrationTests;

/// <summary>Temporary run and state roots for the whole suite (exported as LODGE_RUN_DIR/LODGE_STATE_DIR for the lodge processes) and the demo image, built once and cached across runs.</summary>
public sealed class GuestFixture : IAsyncLifetime
{
    public static readonly string ImageCache = Environment.GetEnvironmentVariable("LODGE_DEMO_CACHE") is { Length: > 0 } c ? c : "/var/tmp/lodge-test-demo-image";

    public string Root { get; } = Directory.CreateTempSubdirectory("lodge-it-").FullName;

    public RuntimeRoots Roots => new(System.IO.Path.Combine(Root, "run"), System.IO.Path.Combine(Root, "state"));

    public DemoImage Image { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("LODGE_RUN_DIR", Roots.RunRoot);
        Environment.SetEnvironmentVariable("LODGE_STATE_DIR", Roots.StateRoot);
        Environment.SetEnvironmentVariable("LODGE_DEMO_CACHE", ImageCache);
        Environment.SetEnvironmentVariable("LODGE_TEST_HOOKS", "1");
        Image = await DemoImage.EnsureAsync(ImageCache, HostProcesses.Runner);
    }

    /// <summary>Writes the launch spec of a TCG demo guest and returns its path.</summary>
    public string WriteSpec(string name, string share, string shareDir, string? peer = null, string? disk = null)
    {
        var spec = DemoGuest.Spec(name, Image, Roots, shareDir, share, kvm: false, peer, disk);
        Directory.CreateDirectory(Root);
        var path = System.IO.Path.Combine(Root, $"{name}.json");
        File.WriteAllText(path, LaunchSpecJson.Write(spec));
        return path;
    }

    public LaunchSpec Spec(string name) => LaunchSpecJson.Read(File.ReadAllText(System.IO.Path.Combine(Root, $"{name}.json")), name);

    public string NewShare(string name)
    {
        var dir = System.IO.Path.Combine(Root, "shares", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Waits until the guest's serial log shows that its init watches the power button (so ACPI power-down will be seen).</summary>
    public async Task WaitForGuestAsync(string name, string marker = "waiting for the ACPI power button")
    {
        var log = System.IO.Path.Combine(Roots.RunDir(name), "serial.log");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains(marker, StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < Lodge.Testing.Patience.Event, $"Guest '{name}' did not print '{marker}' within {Lodge.Testing.Patience.Event.TotalSeconds} s.");
            await Task.Delay(100);
        }

        Console.WriteLine($"Guest '{name}' printed '{marker}' after {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    public Task DisposeAsync()
    {
        foreach (var machine in new GuestStateStore(Roots).Machines())
        {
            if (new GuestStateStore(Roots).Read(machine) is { } state)
            {
                GuestStateStore.StopProcesses(state.Processes.ToList());
            }
        }

        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
