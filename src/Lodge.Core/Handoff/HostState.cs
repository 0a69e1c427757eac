using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>Everything a handoff changes on the host, so that "restored" means the final state equals the initial one.</summary>
/// <remarks>
/// Driver bindings, driver_override and reset_method of every PCI device; vtconsole binds; bound firmware framebuffers;
/// whether the display manager runs; loaded modules. Built from a <see cref="HostSnapshot"/> (which cannot see whether a
/// unit is running, so that fact is passed in). <see cref="DiffFrom"/> lists each difference as a sentence.
/// </remarks>
public sealed record HostState
{
    /// <summary>Every PCI device, in address order.</summary>
    public IReadOnlyList<PciDeviceState> Devices { get; init; } = [];

    /// <summary>vtconsole id to bind state (null when unreadable), in id order.</summary>
    public IReadOnlyList<VtConsole> VtConsoles { get; init; } = [];

    /// <summary>Bound firmware framebuffers, ordered by device.</summary>
    public IReadOnlyList<Framebuffer> Framebuffers { get; init; } = [];

    /// <summary>True while display-manager.service runs; null when unknown.</summary>
    public bool? DisplayManagerActive { get; init; }

    /// <summary>Names of loaded modules, sorted; null when /proc/modules is unknown.</summary>
    public IReadOnlyList<string>? LoadedModules { get; init; }

    /// <summary>Units a handoff stops besides the display manager (nvidia-persistenced) that run, sorted.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Devices (or modules, consoles) a kernel write never returned from: the kernel holds their lock until a reboot.</summary>
    public IReadOnlyList<string> Wedged { get; init; } = [];

    /// <summary>Takes the handoff-relevant facts out of a snapshot.</summary>
    public static HostState FromSnapshot(HostSnapshot snapshot, bool? displayManagerActive)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new HostState
        {
            Devices = snapshot.PciDevices
                .Select(d => new PciDeviceState(d.Address, d.Driver, d.DriverOverride, d.ResetMethods is { } r ? string.Join(' ', r) : null))
                .OrderBy(d => d.Address)
                .ToList(),
            VtConsoles = snapshot.Display.VtConsoles.OrderBy(v => v.Id, StringComparer.Ordinal).ToList(),
            Framebuffers = snapshot.Display.Framebuffers.OrderBy(f => f.Device, StringComparer.Ordinal).ToList(),
            DisplayManagerActive = displayManagerActive,
            LoadedModules = snapshot.Kernel.Modules?.Select(m => m.Name).Order(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>Each way this state differs from <paramref name="before"/>, one sentence per difference; empty when they are equal.</summary>
    public IReadOnlyList<string> DiffFrom(HostState before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var diff = new List<string>();
        DiffDevices(before, diff);
        DiffConsoles(before, diff);
        DiffFramebuffers(before, diff);
        if (before.DisplayManagerActive != DisplayManagerActive)
        {
            diff.Add($"The display manager was {Active(before.DisplayManagerActive)}, now {Active(DisplayManagerActive)}.");
        }

        DiffModules(before, diff);
        foreach (var unit in before.Services.Except(Services, StringComparer.Ordinal))
        {
            diff.Add($"'{unit}' was running, now stopped.");
        }

        foreach (var unit in Services.Except(before.Services, StringComparer.Ordinal))
        {
            diff.Add($"'{unit}' was stopped, now running.");
        }

        foreach (var wedged in Wedged.Except(before.Wedged, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            diff.Add($"'{wedged}' is wedged: a kernel write to it never returned, and only a reboot frees it.");
        }

        return diff;
    }

    /// <summary>True when <see cref="DiffFrom"/> finds nothing.</summary>
    public bool IsSameAs(HostState other) => DiffFrom(other).Count == 0;

    private void DiffDevices(HostState before, List<string> diff)
    {
        var old = before.Devices.ToDictionary(d => d.Address);
        var now = Devices.ToDictionary(d => d.Address);
        foreach (var address in old.Keys.Union(now.Keys).Order())
        {
            old.TryGetValue(address, out var a);
            now.TryGetValue(address, out var b);
            if (a is null)
            {
                diff.Add($"PCI device '{address}' appeared.");
                continue;
            }

            if (b is null)
            {
                diff.Add($"PCI device '{address}' disappeared.");
                continue;
            }

            if (a.Driver != b.Driver)
            {
                diff.Add($"'{address}' was bound to {Quoted(a.Driver)}, now to {Quoted(b.Driver)}.");
            }

            if (a.DriverOverride != b.DriverOverride)
            {
                diff.Add($"'{address}' had driver_override {Quoted(a.DriverOverride)}, now {Quoted(b.DriverOverride)}.");
            }

            if (a.ResetMethod != b.ResetMethod)
            {
                diff.Add($"'{address}' had reset_method {Quoted(a.ResetMethod)}, now {Quoted(b.ResetMethod)}.");
            }
        }
    }

    private void DiffConsoles(HostState before, List<string> diff)
    {
        var old = before.VtConsoles.ToDictionary(v => v.Id, v => v.Bound, StringComparer.Ordinal);
        var now = VtConsoles.ToDictionary(v => v.Id, v => v.Bound, StringComparer.Ordinal);
        foreach (var id in old.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            var a = old.TryGetValue(id, out var x) ? x : null;
            var b = now.TryGetValue(id, out var y) ? y : null;
            if (a != b)
            {
                diff.Add($"vtconsole '{id}' was {Bound(a)}, now {Bound(b)}.");
            }
        }
    }

    private void DiffFramebuffers(HostState before, List<string> diff)
    {
        foreach (var fb in before.Framebuffers.Except(Framebuffers))
        {
            diff.Add($"Framebuffer '{fb.Device}' was bound to '{fb.Driver}', now it is not.");
        }

        foreach (var fb in Framebuffers.Except(before.Framebuffers))
        {
            diff.Add($"Framebuffer '{fb.Device}' was not bound to '{fb.Driver}', now it is.");
        }
    }

    private void DiffModules(HostState before, List<string> diff)
    {
        if (before.LoadedModules is null || LoadedModules is null)
        {
            if ((before.LoadedModules is null) != (LoadedModules is null))
            {
                diff.Add($"Loaded modules were {(before.LoadedModules is null ? "unknown" : "known")}, now {(LoadedModules is null ? "unknown" : "known")}.");
            }

            return;
        }

        foreach (var m in before.LoadedModules.Except(LoadedModules, StringComparer.Ordinal))
        {
            diff.Add($"Module '{m}' was loaded, now it is not.");
        }

        foreach (var m in LoadedModules.Except(before.LoadedModules, StringComparer.Ordinal))
        {
            diff.Add($"Module '{m}' was not loaded, now it is.");
        }
    }

    private static string Quoted(string? value) => value is null ? "nothing" : $"'{value}'";

    private static string Bound(bool? value) => value switch { true => "bound", false => "unbound", null => "unknown" };

    private static string Active(bool? value) => value switch { true => "running", false => "stopped", null => "unknown" };
}
