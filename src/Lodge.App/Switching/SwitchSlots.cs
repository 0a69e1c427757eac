using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;

namespace Lodge.App.Switching;

/// <summary>The guests of a switch, and the rule for which machines may take a GPU over.</summary>
public static class SwitchSlots
{
    /// <summary>A guest of the switch: its ACPI shutdown within its own timeout, and its force-off, through <paramref name="runtime"/>.</summary>
    /// <param name="name">The machine.</param>
    /// <param name="control">Its guest control.</param>
    /// <param name="health">Its watchdog rule; null trusts it once it starts.</param>
    /// <param name="runtime">Where it runs.</param>
    /// <param name="shutdownTimeout">The machine's <c>shutdown_timeout</c>; null: the real control's own
    /// (<see cref="RuntimeGuestControl.AcpiTimeout"/>), else the default (300 s).</param>
    public static SwitchSlot Of(string name, IGuestControl control, GuestHealth? health, GuestRuntime runtime, TimeSpan? shutdownTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var timeout = shutdownTimeout ?? (control as RuntimeGuestControl)?.AcpiTimeout ?? TimeSpan.FromSeconds(MachineConfig.DefaultShutdownTimeoutSeconds);
        if (control is RuntimeGuestControl)
        {
            return new SwitchSlot(name, control, health, timeout,
                async (timeout, ct) => (await runtime.DownAsync(name, timeout, force: false, ct).ConfigureAwait(false)).Outcome is DownOutcome.PoweredOff or DownOutcome.NotRunning,
                ct => runtime.DownAsync(name, TimeSpan.Zero, force: true, ct))
            {
                HotPlugged = () => runtime.Store.Read(name) is { Qemu: { } qemu } ? new Guests.HotPluggedUsb(runtime.Store.Roots, name).Read(qemu.Pid) : [],
            };
        }

        // A double (tests): its stop is its shutdown.
        return new SwitchSlot(name, control, health, timeout,
            async (_, ct) =>
            {
                ArgumentNullException.ThrowIfNull(control);
                await control.StopAsync(name, ct).ConfigureAwait(false);
                return true;
            },
            ct => control.StopAsync(name, ct));
    }

    /// <summary>Throws unless <paramref name="plan"/> hands over (handoff or dedicated) the GPU <paramref name="gpu"/> that <paramref name="holder"/> holds.</summary>
    public static void RequireSameGpu(MachinePlan plan, PciAddress gpu, string holder)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!TakesGpu(plan) || plan.Gpu.Device?.Address != gpu)
        {
            throw new ConfigException($"'{plan.Machine.Name}' does not take the GPU '{gpu}' that '{holder}' holds, so it cannot take it over.")
            {
                Hint = $"Set [gpu] device in '{plan.Machine.Name}' to the GPU '{holder}' uses, or stop '{holder}' and run 'lodge up {plan.Machine.Name}'.",
            };
        }
    }

    /// <summary>Whether the machine's physical GPU goes to its guest (mode handoff or dedicated).</summary>
    public static bool TakesGpu(MachinePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Gpu.IsPassthrough && plan.Gpu.Mode is GpuMode.Handoff or GpuMode.Dedicated;
    }
}
