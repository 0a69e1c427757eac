using System.Diagnostics;
using System.Net.Sockets;
using Lodge.Core.Qemu;
using Lodge.Core.Tests.Planning;
using Lodge.Qmp.Commands;
using Xunit.Abstractions;
using Lodge.Testing;

namespace Lodge.Core.Tests.Qemu;

/// <summary>Secure-boot OVMF (descriptor-chosen, its own NVRAM copy) with swtpm boots under TCG until the firmware writes to the serial console.</summary>
public sealed class SecureBootSpecs(ITestOutputHelper output)
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task Secure_boot_OVMF_with_swtpm_boots_under_TCG_until_the_firmware_writes_to_the_serial_console()
    {
        // Arrange
        var scratch = Directory.CreateTempSubdirectory("lsb-").FullName;
        await using var helpers = new HelperSet();
        try
        {
            var layout = TcgStandIns.LayoutIn(scratch);
            var (plan, _) = PlanCases.Load("win11-virtio-spice-qemu72-c-virtiofsd", layout);
            var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions("tcg"));
            Assert.True(plan.Firmware.SecureBoot && plan.Firmware.Smm && plan.TpmStateDir is not null);
            Directory.CreateDirectory(layout.RunDir);
            Directory.CreateDirectory(plan.TpmStateDir!);
            File.Copy(spec.Nvram!.Template, spec.Nvram.Target);
            var standIns = new TcgStandIns(scratch);
            var argv = standIns.Apply(spec.QemuArgv);
            foreach (var (path, format) in standIns.Images.Concat(spec.DisksToCreate.Select(d => (d.Path, d.Format))))
            {
                using var img = Process.Start("qemu-img", ["create", "-q", "-f", format, path, "16M"]);
                await img.WaitForExitAsync();
            }

            var swtpm = spec.Helpers.Single(h => h.Name == "swtpm");
            await helpers.StartAsync(swtpm.Argv, swtpm.ReadySocket!);
            foreach (var left in standIns.LeftOut)
            {
                output.WriteLine($"left out: {left}");
            }

            // Act
            var clock = Stopwatch.StartNew();
            await using var qemu = RealQemu.Start(argv);
            await qemu.WaitForSocketAsync(spec.SerialSocket!, Patience.Event);
            using var serial = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await serial.ConnectAsync(new UnixDomainSocketEndPoint(spec.SerialSocket!));
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(Patience.Event);
            var read = await serial.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            output.WriteLine($"The firmware wrote to the serial console {clock.Elapsed.TotalSeconds:0.0} s after QEMU started (limit {Patience.Event.TotalMinutes} min).");
            output.WriteLine($"serial: {System.Text.Encoding.ASCII.GetString(buffer, 0, read)}");

            // Keep reading, as a console client does: the firmware goes on writing, and a console nobody reads fills the
            // socket until the vCPU spins on the UART with the big lock, which starved the QMP monitor (CI: 'quit' had no
            // reply within 30 s on a loaded machine).
            using var stopDrain = new CancellationTokenSource();
            var drain = Task.Run(async () =>
            {
                var sink = new byte[65536];
                try
                {
                    while (await serial.ReceiveAsync(sink, SocketFlags.None, stopDrain.Token) > 0)
                    {
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException)
                {
                }
            });
            await using var client = await QmpClient.ConnectUnixAsync(spec.QmpSocket, new() { CommandTimeout = Patience.Event });
            var status = await client.QueryStatusAsync();
            await client.QuitAsync();
            using var exitLimit = new CancellationTokenSource(Patience.Event);
            await qemu.Process.WaitForExitAsync(exitLimit.Token);
            await stopDrain.CancelAsync();
            await drain;

            // Assert
            Assert.True(read > 0, $"The firmware wrote nothing to the serial console.\n{qemu.Output}");
            Assert.True(status.Running);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
