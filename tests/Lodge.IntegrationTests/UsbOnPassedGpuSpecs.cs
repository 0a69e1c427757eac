using System.Text.Json.Nodes;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;
using Lodge.Linux;
using Lodge.Linux.Runtime;
using Lodge.Linux.Sysfs;
using Lodge.Testing;
using Xunit.Abstractions;

namespace Lodge.IntegrationTests;

/// <summary>A machine with a passed GPU, no display and no evdev input still has the xhci controller, so
/// <c>lodge usb attach</c> works on it (real QEMU under TCG; the GPU parts of its argv need a real card and are left out,
/// as in <see cref="HandoffRuntimeSpecs"/>).</summary>
public sealed class UsbOnPassedGpuSpecs(GuestFixture fixture, ITestOutputHelper output) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = 120000)]
    public async Task I_can_hotplug_a_USB_keyboard_into_a_guest_whose_only_display_is_its_passed_GPU()
    {
        // Arrange
        const string Name = "gpuusb";
        const string Toml = "os = \"linux\"\n[firmware]\ntype = \"bios\"\n[network]\nmode = \"none\"\n[gpu]\ndevice = \"1002:73df\"\nmode = \"dedicated\"\n[display]\ntype = \"none\"\n[input]\nevdev = \"none\"\n[audio]\nbackend = \"none\"\n";
        var host = new SysfsScanner(new HostRoot(RepoPaths.Host("EADE3920D9"))).Scan();
        var parsed = MachineParser.Parse(Toml, Name + ".toml", Name);
        var plan = MachinePlanner.Plan(parsed.Machine, host, PassthroughAdvisor.Assess(host), RuntimeLayout.For(Name, fixture.Roots.RunRoot, fixture.Roots.StateRoot));
        var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions("tcg"));
        var argv = new List<string> { "qemu-system-x86_64" };
        for (var i = 1; i < spec.QemuArgv.Count; i++)
        {
            var value = i + 1 < spec.QemuArgv.Count ? spec.QemuArgv[i + 1] : "";
            if (spec.QemuArgv[i] == "-device" && (value.StartsWith("vfio-pci,", StringComparison.Ordinal) || value.StartsWith("pcie-root-port,", StringComparison.Ordinal)))
            {
                output.WriteLine($"left out: -device {value}: needs the real GPU");
                i++;
                continue;
            }

            argv.Add(spec.QemuArgv[i]);
        }

        var file = Path.Combine(fixture.Root, Name + ".json");
        await File.WriteAllTextAsync(file, LaunchSpecJson.Write(spec with { QemuArgv = argv }));

        // Act
        var up = await LodgeCli.RunAsync("up-spec", file, "--detach");
        var attach = await LodgeCli.RunAsync("usb", "attach", Name, "emulated:usb-kbd");
        var status = JsonNode.Parse((await LodgeCli.RunAsync("status", Name, "--json")).StandardOutput)!["guests"]![0]!;
        var down = await LodgeCli.RunAsync("down", Name, "--timeout", "5", "--force");

        // Assert
        Assert.Contains(spec.QemuArgv, a => a.StartsWith("vfio-pci,host=0000:06:00.1,", StringComparison.Ordinal));
        Assert.Contains(spec.QemuArgv, a => a.StartsWith("qemu-xhci,id=xhci,", StringComparison.Ordinal));
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.True(attach.ExitCode == 0, attach.StandardOutput + attach.StandardError);
        Assert.Contains("QEMU USB Keyboard", status.ToJsonString(), StringComparison.Ordinal);
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
    }
}
