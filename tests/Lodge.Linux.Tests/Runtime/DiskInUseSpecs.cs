using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>Issue 10 item 1, at start time: the runtime looks at the host again right before it opens a disk.</summary>
public sealed class DiskInUseSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-inuse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_start_a_guest_on_the_device_that_holds_this_hosts_root_and_get_it_refused_before_anything_starts()
    {
        // Arrange: the real block device under '/' on the machine running the tests (its mountinfo names it).
        var fields = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == "/");
        var source = fields[Array.IndexOf(fields, "-") + 2];
        Assert.True(source.StartsWith("/dev/", StringComparison.Ordinal), $"'/' is on '{source}', not a block device, so this machine cannot show the refusal.");
        var roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        var spec = new LaunchSpec("m", new RuntimeLayout(roots.RunDir("m"), roots.StateDir("m")), ["/bin/false"], [], Path.Combine(roots.RunDir("m"), "qmp.sock"), null, [source], [], null, []);
        var runtime = new GuestRuntime(roots);

        // Act
        var error = await Assert.ThrowsAsync<GuestRuntimeException>(() => runtime.StartAsync(spec));

        // Assert
        Assert.StartsWith($"The disk '{source}' is the host block device '", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds the root filesystem", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(roots.RunDir("m")));
    }
}
