using Lodge.App.Machines;
using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.App.Switching;

/// <summary><c>lodge switch NAME</c> (and the dashboard's <i>Switch to</i>): finds who holds the GPU NAME needs and asks the
/// lodge that runs that handoff to move it (<see cref="SwitchChannel"/>); the switch itself runs there, so a requester that
/// goes away does not stop it. Returns data; the CLI and the dashboard render it.</summary>
public sealed class SwitchService
{
    /// <summary>How long a requester follows a switch: the old guest's shutdown and the new guest's start, with room.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    private readonly LodgeHost _lodge;

    /// <summary>Switches on <paramref name="lodge"/>'s host (its run root holds the channel).</summary>
    public SwitchService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary>Checks the name, plans the machine and finds the GPU's holder; throws when the machine takes no physical GPU.</summary>
    public SwitchTarget Target(string to)
    {
        if (MachineName.Check(to, _lodge.Paths.RunRoot) is { } bad)
        {
            throw bad;
        }

        var planned = new MachineService(_lodge).Plan(to);
        if (!SwitchSlots.TakesGpu(planned.Plan))
        {
            throw new ConfigException($"'{to}' takes no GPU from the host (gpu.mode '{planned.Plan.Gpu.Mode.Word()}'), so there is nothing to switch.") { Hint = $"Run 'lodge up {to}'." };
        }

        return new SwitchTarget(planned, new SwitchChannel(_lodge.Paths.RunRoot, _lodge.Time).Holder());
    }

    /// <summary>Asks the lodge that runs the handoff to give the GPU to the target, and follows the switch until it ends.</summary>
    /// <param name="target">What <see cref="Target"/> found (with a holder).</param>
    /// <param name="force">The user agreed to a force-off if the holder does not power off within its timeout.</param>
    /// <param name="onLine">Each progress line of the switch, once, as the handoff's process writes it.</param>
    /// <param name="cancellationToken">Stops following (the switch goes on where it runs).</param>
    public Task<SwitchResult> RequestAsync(SwitchTarget target, bool force, Action<string> onLine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Holder is not { } holder)
        {
            throw new InvalidStateException($"No guest holds the GPU that '{target.Machine.Plan.Machine.Name}' needs, so there is nothing to switch from.", "no handoff", "handoff running")
            {
                Hint = $"Run 'lodge up {target.Machine.Plan.Machine.Name}'.",
            };
        }

        SwitchSlots.RequireSameGpu(target.Machine.Plan, PciAddress.Parse(holder.Gpu), holder.Holder);
        return new SwitchChannel(_lodge.Paths.RunRoot, _lodge.Time).RequestAsync(target.Machine.Plan.Machine.Name, force, onLine, Limit, cancellationToken);
    }
}
