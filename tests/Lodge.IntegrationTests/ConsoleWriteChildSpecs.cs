using Lodge.Linux;
using Lodge.Linux.Host;

namespace Lodge.IntegrationTests;

/// <summary>Issue 13: a vtconsole write of the handoff runs in a child of its own (<c>lodge sysfs-write --read-back</c>), read
/// back included, as the PCI and framebuffer writes do. The real lodge binary is the child.</summary>
public sealed class ConsoleWriteChildSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodge-vtcon-child-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = 60000)]
    public async Task I_can_unbind_and_bind_a_console_through_the_child_and_the_file_shows_each_value()
    {
        // Arrange: /sys/class/vtconsole/vtcon1/bind below a root, bound.
        var dir = Directory.CreateDirectory(Path.Combine(_root, "sys/class/vtconsole/vtcon1")).FullName;
        var bind = Path.Combine(dir, "bind");
        await File.WriteAllTextAsync(bind, "1\n");
        var control = new SysfsDriverControl(new HostRoot(_root)) { ChildWriter = LodgeCli.Path };

        // Act
        await control.SetVtConsoleBindAsync("vtcon1", false, TimeSpan.FromSeconds(30));
        var unbound = (await File.ReadAllTextAsync(bind)).Trim();
        await control.SetVtConsoleBindAsync("vtcon1", true, TimeSpan.FromSeconds(30));
        var bound = (await File.ReadAllTextAsync(bind)).Trim();

        // Assert
        Assert.Equal("0", unbound);
        Assert.Equal("1", bound);
    }

    [Fact(Timeout = 60000)]
    public async Task A_console_that_does_not_exist_fails_in_the_child_with_the_path_named()
    {
        // Arrange: the class link is there, its bind file is not (the kernel has no such console).
        Directory.CreateDirectory(Path.Combine(_root, "sys/class/vtconsole/vtcon2"));
        var control = new SysfsDriverControl(new HostRoot(_root)) { ChildWriter = LodgeCli.Path };

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => control.SetVtConsoleBindAsync("vtcon2", false, TimeSpan.FromSeconds(30)));

        // Assert
        Assert.IsNotType<HostWriteTimeoutException>(e);
        Assert.Contains("/sys/class/vtconsole/vtcon2/bind", e.Message, StringComparison.Ordinal);
    }
}
