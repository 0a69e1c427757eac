using System.Diagnostics;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Tests.Handoff;

// --stop-holders: real processes get SIGTERM, and SIGKILL when they ignore it.
public sealed class HolderStopperSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");

    private static Process Start(string script) =>
        Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", script } })!;

    [Fact(Timeout = 15000)]
    public async Task I_can_stop_the_holders_of_a_GPU_and_one_that_ignores_SIGTERM_is_killed()
    {
        // Arrange
        using var polite = Start("exec sleep 60");
        using var stubborn = Start("trap '' TERM; while :; do sleep 0.05; done");
        await Task.Delay(200);
        var lines = new List<string>();
        DeviceHolder[] holders = [new(Gpu, "/dev/dri/card0", "sleep", polite.Id), new(Gpu, "/dev/dri/renderD128", "sh", stubborn.Id)];

        // Act
        await HolderStopper.StopAsync(holders, TimeSpan.FromMilliseconds(500), lines.Add);

        // Assert
        Assert.True(polite.WaitForExit(5000));
        Assert.True(stubborn.WaitForExit(5000));
        Assert.Contains(lines, l => l.Contains($"(pid {polite.Id}), which holds the GPU", StringComparison.Ordinal));
        Assert.Contains($"Process {stubborn.Id} ignored SIGTERM", string.Join('\n', lines), StringComparison.Ordinal);
    }
}
