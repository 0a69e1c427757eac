using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>The simulated kernel as a <see cref="HandoffHost"/>: its writes, its holders, and a simulated guest.</summary>
public sealed partial class SimulatedKernel
{
    /// <summary>Everything a <see cref="HandoffExecutor"/> needs, acting on this kernel and <paramref name="guest"/>.</summary>
    public HandoffHost HandoffHost(IGuestControl guest, Action<string>? log = null) =>
        new(this, this, this, this, this, guest, ScanHoldersAsync, log ?? (_ => { })) { Services = this, ModuleLoaded = m => LoadedModules.Contains(m), LoadedModules = () => Lodge.Linux.Handoff.HandoffHost.ProcModules(new HostRoot(Root)), ReadBack = new KernelReadBack(Root) };

    /// <summary>The holder scan over <see cref="Holders"/>: each holder of one of <paramref name="devices"/>, as if found in /proc/*/fd.</summary>
    public Task<IReadOnlyList<DeviceHolder>> ScanHoldersAsync(IReadOnlyList<PciAddress> devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        IReadOnlyList<DeviceHolder> found = [.. Holders.Where(h => devices.Contains(h.Address)).Select(ToDeviceHolder)];
        return Task.FromResult(found);
    }

    // "Xorg (pid 1234)" → Xorg, 1234; the node is the DRM card, which the simulation does not number.
    private static DeviceHolder ToDeviceHolder(SimulatedHolder holder)
    {
        var m = PidRegex().Match(holder.Process);
        return m.Success
            ? new DeviceHolder(holder.Address, "/dev/dri/card0", m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), holder.EndsWithDisplayManager)
            : new DeviceHolder(holder.Address, "/dev/dri/card0", holder.Process, 0, holder.EndsWithDisplayManager);
    }

    [GeneratedRegex(@"^(.*) \(pid ([0-9]{1,9})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex PidRegex();
}
