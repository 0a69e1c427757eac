using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>An SMB share starts a private smbd that listens only where the guest reaches the host (loopback, seen by the guest as 10.0.2.2).</summary>
public sealed class SmbShareSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_machine_with_an_smb_share_and_its_private_smbd_listens_on_loopback_only()
    {
        // Arrange
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-smb")).FullName;
        var share = fixture.NewShare("smbshare");
        await File.WriteAllTextAsync(Path.Combine(config, "smbvm.toml"), $"""
            os = "linux"

            [cpu]
            cores = 1
            threads = 1
            pin = "none"

            [memory]
            size = "256M"
            hugepages = "off"

            [firmware]
            type = "bios"

            [network]
            mode = "user"

            [display]
            type = "none"

            [[share]]
            host = "{share}"
            tag = "shared"
            protocol = "smb"
            """);

        // Act
        var up = await LodgeCli.RunAsync("up", "smbvm", "--detach", "--tcg", "--config-dir", config, "--reports-db", Path.Combine(fixture.Root, "smb-reports.db"));
        var status = JsonNode.Parse((await LodgeCli.RunAsync("status", "smbvm", "--json")).StandardOutput)!["guests"]![0]!;
        var hint = status["connect"]!.AsArray().Select(h => (string?)h).First(h => h!.StartsWith("SMB share", StringComparison.Ordinal))!;
        var port = int.Parse(hint[(hint.LastIndexOf(':') + 1)..hint.LastIndexOf('/')], CultureInfo.InvariantCulture);
        var listeners = await ListenersOnAsync(port);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var connected = client.Connected;
        client.Close();
        var down = await LodgeCli.RunAsync("down", "smbvm", "--timeout", "2", "--force");

        // Assert
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.Contains(status["helpers"]!.AsArray(), h => (string?)h!["name"] == "smbd");
        Assert.StartsWith("SMB share 'shared': smb://10.0.2.2:", hint, StringComparison.Ordinal);
        Assert.True(connected);
        Assert.NotEmpty(listeners);
        Assert.All(listeners, l => Assert.Equal("0100007F", l)); // 127.0.0.1 in /proc/net/tcp's byte order, and nothing else
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "smbvm"));
    }

    // /proc/net/tcp: "  1: 0100007F:ADD4 00000000:0000 0A ..." (state 0A = LISTEN); IPv6 listeners would show in tcp6.
    private static async Task<List<string>> ListenersOnAsync(int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        var result = new List<string>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in (await File.ReadAllLinesAsync(file)).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = f[1].Split(':');
                if (local[1] == hexPort && f[3] == "0A")
                {
                    result.Add(local[0]);
                }
            }
        }

        return result;
    }
}
