using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Waits of the foreground power-off specs (Ctrl-C, SIGTERM): for the guest's state to say running, and for a
/// sentence in lodge's output; each fails at once when lodge has exited, and gives up after <see cref="Patience.Event"/>.</summary>
internal static class ForegroundWaits
{
    /// <summary>The running QEMU of <paramref name="machine"/> once its state file says running.</summary>
    public static async Task<GuestProcessState> RunningAsync(GuestFixture fixture, string machine, SpawnedProcess up, string log)
    {
        var limit = DateTime.UtcNow + Patience.Event;
        while (DateTime.UtcNow < limit)
        {
            if (new GuestStateStore(fixture.Roots).Read(machine) is { Phase: GuestPhase.Running, Qemu: { } qemu })
            {
                return qemu;
            }

            Assert.False(up.Exited.IsCompleted, File.Exists(log) ? File.ReadAllText(log) : "no log");
            await Task.Delay(100);
        }

        throw new TimeoutException($"'{machine}' did not run within {Patience.Event.TotalSeconds} s: {File.ReadAllText(log)}");
    }

    /// <summary>Returns once <paramref name="log"/> contains <paramref name="text"/>.</summary>
    public static async Task SaidAsync(string log, string text, SpawnedProcess up)
    {
        var limit = DateTime.UtcNow + Patience.Event;
        while (DateTime.UtcNow < limit)
        {
            var output = File.Exists(log) ? File.ReadAllText(log) : string.Empty;
            if (output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            Assert.False(up.Exited.IsCompleted, output);
            await Task.Delay(100);
        }

        throw new TimeoutException($"lodge never said '{text}': {File.ReadAllText(log)}");
    }
}
