using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class ToolsSpecs
{
    [Fact]
    public void I_can_find_QEMU_and_its_helpers_on_a_Debian_12_host()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/usr/bin/qemu-system-x86_64", "ELF")
            .File("/usr/bin/qemu-img", "ELF")
            .File("/usr/bin/swtpm", "ELF")
            .File("/usr/lib/qemu/virtiofsd", "ELF")
            .File("/usr/sbin/smbd", "ELF");

        // Act
        var tools = new SysfsScanner(tree.Host).Scan().Tools;

        // Assert
        Assert.Equal(new ToolInfo("/usr/bin/qemu-system-x86_64", null), tools.Qemu);
        Assert.Equal(new ToolInfo("/usr/bin/qemu-img", null), tools.QemuImg);
        Assert.Equal(new ToolInfo("/usr/bin/swtpm", null), tools.Swtpm);
        Assert.Equal(new ToolInfo("/usr/lib/qemu/virtiofsd", null, ToolFlavor.C), tools.Virtiofsd);
        Assert.Equal(new ToolInfo("/usr/sbin/smbd", null), tools.Smbd);
    }

    [Fact]
    public void I_can_find_qemu_kvm_and_prefer_the_Rust_virtiofsd_on_a_Fedora_host()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/usr/libexec/qemu-kvm", "ELF")
            .File("/usr/libexec/virtiofsd", "ELF")
            .File("/usr/lib/qemu/virtiofsd", "ELF")
            .Link("/usr/bin/smbd", "/usr/libexec/samba/smbd")
            .File("/usr/libexec/samba/smbd", "ELF");

        // Act
        var tools = new SysfsScanner(tree.Host).Scan().Tools;

        // Assert
        Assert.Equal("/usr/libexec/qemu-kvm", tools.Qemu?.Path);
        Assert.Equal(new ToolInfo("/usr/libexec/virtiofsd", null, ToolFlavor.Rust), tools.Virtiofsd);
        Assert.Equal("/usr/bin/smbd", tools.Smbd?.Path);
    }

    [Fact]
    public void I_get_no_tools_from_a_tree_without_them_or_with_dangling_links()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .Link("/usr/bin/qemu-system-x86_64", "/usr/bin/qemu-system-x86_64-removed")
            .Dir("/usr/bin/swtpm");

        // Act
        var tools = new SysfsScanner(tree.Host).Scan().Tools;

        // Assert
        Assert.Equal(new HostTools(), tools);
    }

    [Fact]
    public void The_scanner_asks_only_the_probe_it_is_given_for_a_version()
    {
        // Arrange (which probe a tree gets is the caller's choice; Lodge.Cli gives trees one that runs nothing)
        using var tree = new HostTreeBuilder().File("/usr/bin/qemu-system-x86_64", "#!/bin/sh\necho pwned\n");
        var probe = new RecordingProbe("QEMU emulator version 9.9.9");

        // Act
        var qemu = new SysfsScanner(tree.Host, probe).Scan().Tools.Qemu;
        var unprobed = new SysfsScanner(tree.Host).Scan().Tools.Qemu;

        // Assert
        Assert.Single(probe.Calls);
        Assert.Equal("9.9.9", qemu?.Version);
        Assert.Null(unprobed?.Version);
    }

    [Theory]
    [InlineData("QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)", "7.2.19")]
    [InlineData("QEMU emulator version 9.1.0", "9.1.0")]
    [InlineData("QEMU emulator version 8.0.90 (v8.1.0-rc0)", "8.0.90")]
    [InlineData("QEMU emulator version 7.2.19-dirty", null)]
    [InlineData("qemu-img version 7.2.19", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void I_can_read_the_version_from_QEMUs_first_line(string? line, string? expected)
    {
        // Act
        var version = SysfsScanner.ParseQemuVersion(line);

        // Assert
        Assert.Equal(expected, version);
    }

    private sealed class RecordingProbe(string answer) : IToolVersionProbe
    {
        public List<string> Calls { get; } = [];

        public string? Probe(string realPath)
        {
            Calls.Add(realPath);
            return answer;
        }
    }
}
