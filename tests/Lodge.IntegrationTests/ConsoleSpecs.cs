using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge console NAME</c> in a pseudo-terminal, against a Unix socket standing in for the guest's serial console.</summary>
public sealed class ConsoleSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_attach_the_console_in_raw_mode_send_ctrl_c_tab_and_arrows_to_the_guest_and_leave_with_ctrl_bracket()
    {
        // Arrange: a live process stands in for QEMU, a socket server for its serial console.
        var machine = "con";
        var runDir = fixture.Roots.RunDir(machine);
        Directory.CreateDirectory(runDir);
        var serial = Path.Combine(runDir, "serial.sock");
        using var server = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(serial));
        server.Listen(1);
        using var standIn = Process.Start("sleep", "600");
        var ticks = ProcessTable.StartTicks(standIn.Id)!.Value;
        new GuestStateStore(fixture.Roots).Write(new GuestState(machine, GuestPhase.Running, DateTimeOffset.UtcNow, null, new GuestProcessState("qemu", standIn.Id, ticks, null), [], Path.Combine(runDir, "qmp.sock"), serial, [], [], []));
        var received = new List<byte>();
        var serving = Task.Run(async () =>
        {
            using var guest = await server.AcceptAsync();
            await guest.SendAsync("login: "u8.ToArray());
            var buffer = new byte[256];
            int n;
            while ((n = await guest.ReceiveAsync(buffer)) > 0)
            {
                lock (received)
                {
                    received.AddRange(buffer[..n]);
                }
            }
        });

        try
        {
            // Act
            var script = Path.Combine(RepoPaths.Root, "tests", "Lodge.IntegrationTests", "Scripts", "pty-console.py");
            var result = await HostProcesses.Runner.RunAsync("python3", [script, LodgeCli.Path, "console", machine], Patience.Event);
            await serving.WaitAsync(Patience.Event);

            // Assert
            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            var seen = JsonDocument.Parse(result.StandardOutput).RootElement;
            Assert.True(seen.GetProperty("echoBefore").GetBoolean());
            Assert.False(seen.GetProperty("echoDuring").GetBoolean(), result.StandardOutput);
            Assert.False(seen.GetProperty("icanonDuring").GetBoolean(), result.StandardOutput);
            Assert.False(seen.GetProperty("isigDuring").GetBoolean(), result.StandardOutput);
            Assert.True(seen.GetProperty("restored").GetBoolean(), result.StandardOutput);
            Assert.Equal(0, seen.GetProperty("exit").GetInt32());
            Assert.Contains("login: ", seen.GetProperty("banner").GetString() + seen.GetProperty("rest").GetString(), StringComparison.Ordinal);
            lock (received)
            {
                Assert.Equal(new byte[] { 0x03, 0x09, 0x1b, (byte)'[', (byte)'A' }, received.ToArray());
            }
        }
        finally
        {
            standIn.Kill();
        }
    }
}
