using System.Text.Json;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary><c>lodge plan</c>, <c>lodge args</c> and <c>lodge export --libvirt</c> on a machine made by <c>lodge new</c> over a fixture host.</summary>
public sealed class PlanCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-plan-").FullName;
    private readonly string _root = RepoPaths.Host("GH-mathewlear-X670EI");

    public PlanCommandSpecs() => CliRun.Run("new", "win11", "--os", "windows11", "--root", _root, "--config-dir", _dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void I_can_see_the_plan_of_a_machine_with_a_reason_for_each_decision()
    {
        // Act
        var result = CliRun.Run("plan", "win11", "--root", _root, "--config-dir", _dir);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0000:01:00.0, 0000:01:00.1", result.Out, StringComparison.Ordinal);
        Assert.Contains("because: VFIO pins all guest RAM", result.Out, StringComparison.Ordinal);
        Assert.Contains("smm", QemuArgs().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_get_the_plan_as_JSON()
    {
        // Act
        var result = CliRun.Run("plan", "win11", "--json", "--root", _root, "--config-dir", _dir);

        // Assert
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var topics = json.RootElement.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("topic").GetString()).ToList();
        Assert.Contains("gpu", topics);
        Assert.Contains("firmware", topics);
        Assert.All(json.RootElement.GetProperty("decisions").EnumerateArray(), d => Assert.EndsWith(".", d.GetProperty("reason").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void I_can_print_the_QEMU_argv_one_option_per_line_ready_to_paste_into_a_shell()
    {
        // Act
        var result = QemuArgs();

        // Assert
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("qemu-system-x86_64 \\", lines[0]);
        Assert.All(lines[..^1], l => Assert.EndsWith(" \\", l, StringComparison.Ordinal));
        Assert.Contains("-device vfio-pci,host=0000:01:00.0,id=hostdev01000,bus=rp0,addr=0x0,multifunction=on \\", lines);
        Assert.Contains("-machine q35,accel=kvm,kernel_irqchip=on,smm=on,hpet=off \\", lines);
    }

    [Fact]
    public void I_can_export_a_machine_as_libvirt_domain_XML_to_a_file()
    {
        // Arrange
        var file = Path.Combine(_dir, "win11.xml");

        // Act
        var result = CliRun.Run("export", "win11", "--libvirt", "-o", file, "--root", _root, "--config-dir", _dir);

        // Assert
        Assert.Equal(0, result.ExitCode);
        var xml = File.ReadAllText(file);
        Assert.Contains("<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\">", xml, StringComparison.Ordinal);
        Assert.Contains("<tpm model=\"tpm-crb\">", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_export_without_a_format_and_get_a_usage_error()
    {
        // Act
        var result = CliRun.Run("export", "win11", "--root", _root, "--config-dir", _dir);

        // Assert: a missing format is a wrong command line (issue 10, item 14).
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("'--libvirt' is the only one", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_plan_an_invalid_machine_and_get_pointed_to_lodge_check()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "bad.toml"), "os = \"windows11\"\n[gpu]\ndevice = \"dead:beef\"\n");

        // Act
        var result = CliRun.Run("args", "bad", "--root", _root, "--config-dir", _dir);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Run 'lodge check bad'", result.Error, StringComparison.Ordinal);
    }

    private CliResult QemuArgs() => CliRun.Run("args", "win11", "--root", _root, "--config-dir", _dir);
}
