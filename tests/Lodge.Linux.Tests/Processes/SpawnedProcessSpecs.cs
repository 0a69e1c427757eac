using System.Globalization;
using System.Runtime.InteropServices;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Processes;

public class SpawnedProcessSpecs
{
    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;

    [Fact]
    public async Task A_child_starts_with_every_signal_at_its_default_and_none_blocked_whatever_lodge_ignores_or_blocks()
    {
        // Arrange: this process ignores SIGUSR2 (as a background job ignores SIGINT) and this thread blocks SIGUSR1
        using var tree = new HostTreeBuilder();
        var log = tree.RealPath("/child.log");
        var ignoredBefore = Signal(SigUsr2, 1); // SIG_IGN
        var block = new byte[128];
        var previousMask = new byte[128];
        block[(SigUsr1 - 1) / 8] = (byte)(1 << ((SigUsr1 - 1) % 8));
        Assert.Equal(0, PthreadSigmask(0 /* SIG_BLOCK */, ref block[0], ref previousMask[0]));
        SpawnedProcess child;
        try
        {
            // Act: the child reports its own ignored and blocked signals
            child = SpawnedProcess.Start(["grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"], log);
        }
        finally
        {
            var unused = new byte[128];
            PthreadSigmask(2 /* SIG_SETMASK */, ref previousMask[0], ref unused[0]);
            Signal(SigUsr2, ignoredBefore);
        }

        var exit = await child.Exited.WaitAsync(Patience.Event);

        // Assert
        Assert.Equal(0, exit.ExitCode);
        var lines = File.ReadAllLines(log).ToDictionary(l => l.Split(':')[0], l => ulong.Parse(l.Split(':')[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(0UL, lines["SigIgn"] & (1UL << (SigUsr2 - 1)));
        Assert.Equal(0UL, lines["SigBlk"] & (1UL << (SigUsr1 - 1)));
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint Signal(int signal, nint handler);

    [DllImport("libc", EntryPoint = "pthread_sigmask")]
    private static extern int PthreadSigmask(int how, ref byte set, ref byte old);
}
