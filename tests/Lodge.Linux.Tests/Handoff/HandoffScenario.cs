using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// One fixture's handoff as the specs run it: its GPU (the boot VGA, else the first), a frame buffer console and an EFI
// framebuffer added to the copy, short timeouts.
internal static class HandoffScenario
{
    // Writes that do not hang finish in microseconds, but a 2-core machine shared by several builds can stall a thread
    // for seconds: every operation that is not hung gets a generous limit, which none of them ever waits out.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // The hung operation alone gets this limit. Every injected hang blocks until the run ends (it never returns), so the
    // limit cannot race it: it is only how long the run waits before it calls the operation hung. The hung step's undo
    // keeps Timeout (HandoffStep.UndoTimeout), in the run and in the rescue that reads it from the journal.
    public static readonly TimeSpan HangTimeout = TimeSpan.FromMilliseconds(150);

    public static readonly Framebuffer Efi = new("efi-framebuffer.0", "efi-framebuffer");

    public static IReadOnlyList<string> FixturesWithGpu { get; } =
        [.. RepoPaths.HostFixtures.Where(f => GpuOf(new Lodge.Linux.Sysfs.SysfsScanner(new HostRoot(RepoPaths.Host(f))).Scan()) is not null)];

    public static PciAddress? GpuOf(HostSnapshot host) =>
        host.PciDevices.Where(d => d.Class is { IsGpu: true }).OrderBy(d => d.BootVga == true ? 0 : 1).ThenBy(d => d.Address).FirstOrDefault()?.Address;

    // The steps whose hang is a thread stuck in the kernel (not a systemd job, a holder scan or the guest).
    public static bool IsKernelWrite(HandoffOperationKind kind) =>
        kind is not (HandoffOperationKind.CheckHolders or HandoffOperationKind.RequireUnloaded or HandoffOperationKind.StopDisplayManager or HandoffOperationKind.StartDisplayManager
            or HandoffOperationKind.StopService or HandoffOperationKind.StartService or HandoffOperationKind.StartGuest or HandoffOperationKind.StopGuest or HandoffOperationKind.Nothing);

    public static void Console(SimulatedKernel kernel) =>
        kernel.WithVtConsole("vtcon0", "(S) dummy device", bound: false)
            .WithVtConsole("vtcon1", "(M) frame buffer device", bound: true)
            .WithFramebuffer(Efi);

    public static Func<HostSnapshot, HandoffRequest> Request(GpuMode mode = GpuMode.Handoff, PciAddress? gpu = null) =>
        host => new HandoffRequest("guest", gpu ?? GpuOf(host)!.Value, mode, [], DisplayManagerActive: true) { Timeouts = HandoffTimeouts.All(Timeout) };

    public static Task<HandoffSimulationResult> RunAsync(string fixture, SimulationFault? fault = null, GpuMode mode = GpuMode.Handoff, Action<SimulatedKernel>? setup = null) =>
        HandoffSimulation.RunAsync(RepoPaths.Host(fixture), Request(mode), fault, k =>
        {
            Console(k);
            setup?.Invoke(k);
        },
        hangTimeout: HangTimeout);
}
