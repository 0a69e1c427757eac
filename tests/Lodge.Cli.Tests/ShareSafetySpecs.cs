using Lodge.Linux.Runtime;

namespace Lodge.Cli.Tests;

/// <summary>Issue 10 item 6: a share is never / or a system tree, before or after links, and a missing one is named.</summary>
public sealed class ShareSafetySpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-shares-").FullName;
    private readonly RuntimeRoots _roots;

    public ShareSafetySpecs()
    {
        _roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        Directory.CreateDirectory(Path.Combine(_dir, "machines"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliResult Check(string share)
    {
        File.WriteAllText(Path.Combine(_dir, "machines", "m.toml"), $"os = \"linux\"\n[gpu]\nmode = \"virtio\"\n\n[[share]]\n{share}\nprotocol = \"9p\"\n");
        return CliRun.RunWith(_roots, "check", "m", "--config-dir", Path.Combine(_dir, "machines"));
    }

    [Theory]
    [InlineData("/", "is the host's whole filesystem")]
    [InlineData("/etc", "inside '/etc', a system tree")]
    [InlineData("/var/lib", "inside '/var'")]
    [InlineData("/root", "inside '/root'")]
    [InlineData("/run/user", "inside '/run'")]
    [InlineData("/home/../etc", "inside '/etc'")]
    public void I_can_try_to_share_a_system_tree_and_get_it_refused(string host, string message)
    {
        // Act
        var result = Check($"host = \"{host}\"");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("m.toml:6:1: error: The share folder", result.Out, StringComparison.Ordinal);
        Assert.Contains(message, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_share_a_link_into_a_system_tree_and_get_it_refused_with_where_it_leads()
    {
        // Arrange
        var link = Path.Combine(_dir, "innocent");
        File.CreateSymbolicLink(link, "/etc");
        var rootLink = Path.Combine(_dir, "everything");
        File.CreateSymbolicLink(rootLink, "/");

        // Act
        var result = Check($"host = \"{link}\"");
        var whole = Check($"host = \"{rootLink}\"");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"The share folder '{link}' is (through links, '/etc') inside '/etc'", result.Out, StringComparison.Ordinal);
        Assert.Equal(3, whole.ExitCode);
        Assert.Contains("the host's whole filesystem", whole.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_name_a_missing_share_folder_and_get_an_error_unless_it_says_create_true()
    {
        // Arrange
        var missing = Path.Combine(_dir, "not-yet");

        // Act
        var refused = Check($"host = \"{missing}\"");
        var created = Check($"host = \"{missing}\"\ncreate = true");
        var existing = Check($"host = \"{_dir}\"");

        // Assert
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"error: The share folder '{missing}' does not exist.\n  fix: Create it, or add create = true to this [[share]]", refused.Out, StringComparison.Ordinal);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, existing.ExitCode);
    }

    [Fact]
    public void I_can_see_a_9p_share_exported_with_mapped_xattr_so_the_guest_never_sets_host_owners()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "machines", "m.toml"), $"os = \"linux\"\n[gpu]\nmode = \"virtio\"\n\n[[share]]\nhost = \"{_dir}\"\nprotocol = \"9p\"\n");

        // Act
        var args = CliRun.RunWith(_roots, "args", "m", "--config-dir", Path.Combine(_dir, "machines"));

        // Assert
        Assert.Equal(0, args.ExitCode);
        Assert.Contains($"-fsdev local,id=fsdev0,path={_dir},security_model=mapped-xattr", args.Out, StringComparison.Ordinal);
        Assert.Contains("-device virtio-9p-pci,fsdev=fsdev0,mount_tag=share0,", args.Out, StringComparison.Ordinal);
    }
}
