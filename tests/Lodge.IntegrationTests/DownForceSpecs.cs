using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge down --force</c> when QMP is gone: signals to the recorded pid, after checking it is still that QEMU.</summary>
public sealed class DownForceSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_force_down_a_guest_whose_QMP_socket_is_gone_and_its_QEMU_and_helpers_stop()
    {
        // Arrange: a detached guest whose QMP socket was deleted.
        var spec = fixture.WriteSpec("noqmp", "virtiofs", fixture.NewShare("noqmp"));
        var up = await LodgeCli.RunAsync("up-spec", spec, "--detach");
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        var state = new Lodge.Linux.Runtime.GuestStateStore(fixture.Roots).Read("noqmp")!;
        File.Delete(state.QmpSocket);

        // Act
        var polite = await LodgeCli.RunAsync("down", "noqmp", "--timeout", "1");
        var forced = await LodgeCli.RunAsync("down", "noqmp", "--timeout", "1", "--force");

        // Assert
        Assert.True(polite.ExitCode == 3, polite.StandardOutput + polite.StandardError);
        Assert.Contains("is gone or does not answer", polite.StandardError, StringComparison.Ordinal);
        Assert.Contains("--force", polite.StandardError, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.StandardOutput + forced.StandardError);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "noqmp"));
        Assert.False(File.Exists(fixture.Roots.StateFile("noqmp")));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_ask_the_status_of_a_running_guest_whose_state_is_corrupted_and_see_its_QEMU_found_and_the_state_called_damaged()
    {
        // Arrange
        var spec = fixture.WriteSpec("damaged", "9p", fixture.NewShare("damaged"));
        var up = await LodgeCli.RunAsync("up-spec", spec, "--detach");
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        var store = new Lodge.Linux.Runtime.GuestStateStore(fixture.Roots);
        var state = store.Read("damaged")!;
        File.WriteAllText(fixture.Roots.StateFile("damaged"), "{\"machine\": \"dam");

        try
        {
            // Act
            var status = await LodgeCli.RunAsync("status", "damaged");

            // Assert
            Assert.True(status.ExitCode == 3, status.StandardOutput + status.StandardError);
            var text = System.Text.RegularExpressions.Regex.Replace(status.StandardOutput, @"\s+", " "); // the console wraps long lines
            Assert.Contains($"is damaged, but its QEMU still runs (pid {state.Qemu!.Pid}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("not running", status.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Lodge.Linux.Runtime.GuestStateStore.StopProcesses([.. state.Processes]);
        }
    }
}
