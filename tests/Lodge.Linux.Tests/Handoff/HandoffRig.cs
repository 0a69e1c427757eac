using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// A simulated kernel with consoles and a framebuffer, its guest, a journal inside the copy, and the executor's pieces,
// kept alive after the run so specs can look at the host.
internal sealed class HandoffRig : IDisposable
{
    public HandoffRig(string fixture, GpuMode mode = GpuMode.Handoff, PciAddress? gpu = null, IReadOnlyList<DeviceHolder>? holders = null, Action<SimulatedKernel>? setup = null)
    {
        Kernel = new SimulatedKernel(RepoPaths.Host(fixture));
        HandoffScenario.Console(Kernel);
        setup?.Invoke(Kernel);
        Before = Kernel.State();
        var request = HandoffScenario.Request(mode, gpu)(Kernel.ScanForHandoff()) with
        {
            Holders = holders ?? [],
            NvidiaPersistencedActive = setup is null ? null : Kernel.IsServiceActive(SimulatedKernel.NvidiaPersistenced),
        };
        Plan = HandoffPlanner.Plan(Kernel.ScanForHandoff(), request);
        Guest = new SimulatedGuest(Kernel, Plan.Endpoints);
        Journal = new HandoffJournal(Path.Combine(Kernel.Root, "var/lib/lodge/handoff.journal"));
    }

    public SimulatedKernel Kernel { get; }

    public HostState Before { get; }

    public HandoffPlan Plan { get; }

    public SimulatedGuest Guest { get; set; }

    public HandoffJournal Journal { get; }

    public List<string> Log { get; } = [];

    public HandoffHost Host => Kernel.HandoffHost(Guest, line => { lock (Log) { Log.Add(line); } });

    public IReadOnlyList<string> Diff => Kernel.State().DiffFrom(Before);

    public Task<HandoffReport> RunAsync(HandoffExecutorOptions? options = null) =>
        new HandoffExecutor(Host, Journal, options ?? new HandoffExecutorOptions { Health = Healthy(TimeSpan.FromSeconds(5)) }).RunAsync(Plan);

    public GuestHealth Healthy(TimeSpan within) => new(within, TimeSpan.FromMilliseconds(10), Guest.IsHealthyAsync);

    public string? DriverOf(PciAddress address) => Kernel.ScanForHandoff().FindDevice(address)?.Driver;

    public void Dispose() => Kernel.Dispose();
}
