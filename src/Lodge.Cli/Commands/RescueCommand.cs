using System.CommandLine;
using Lodge.App.Handoff;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge rescue [--journal PATH]</c>: give the GPU back after a handoff that died; idempotent.</summary>
public static class RescueCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var journalOption = new Option<string?>("--journal")
        {
            Description = "The handoff journal to read (default: handoff.journal in the state root, /var/lib/lodge or $LODGE_STATE_DIR).",
            HelpName = "PATH",
        };
        var boot = new Option<bool>("--boot") { Description = "Run at boot (the lodge-rescue unit): the reboot already reset drivers and modules, so failed undos are tolerated and the journal ends clean." };
        var command = new Command("rescue", "Undo whatever an unfinished GPU handoff, CPU isolation, hugepage reservation or passed USB controller left applied (run over SSH, from a TTY, or at boot). A second run does nothing.");
        command.Options.Add(journalOption);
        command.Options.Add(boot);
        command.SetAction(async (parse, _) =>
        {
            var service = new HandoffService(context.Host(parse));
            var outcome = await service.RescueAsync(parse.GetValue(journalOption), parse.GetValue(boot), line => context.Error.WriteLine(line));
            return Render(outcome, context.Out.WriteLine, context.Error.WriteLine);
        });
        return command;
    }

    /// <summary>What <c>lodge rescue</c> did, as it prints it (and the dashboard shows it); returns the exit code.</summary>
    internal static int Render(RescueOutcome outcome, Action<string> output, Action<string> error)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        switch (outcome.Isolation)
        {
            case IsolationRescue.ClearedByReboot:
                output("The reboot gave system.slice, user.slice and init.scope every CPU back.");
                break;
            case IsolationRescue.Restored:
                output("system.slice, user.slice and init.scope may use every CPU again.");
                break;
            case IsolationRescue.Kept:
                output($"Some units could not get their CPUs back; '{outcome.IsolationJournalPath}' keeps them for the next 'lodge rescue'.");
                return ExitCodes.Error;
        }

        var damaged = outcome.HugePageLines.Count > 0 && outcome.HugePageLines[0].StartsWith("Error:", StringComparison.Ordinal);
        foreach (var line in outcome.HugePageLines)
        {
            (damaged ? error : output)(line);
        }

        foreach (var line in outcome.ControllerLines)
        {
            (outcome.ControllersLeft && line.StartsWith("Could not", StringComparison.Ordinal) ? error : output)(line);
        }

        var left = outcome.HugePagesLeft || outcome.ControllersLeft;
        foreach (var step in outcome.Report.Steps)
        {
            output($"{step.Index,3}. {step.Name}: {Json.HandoffJson.Outcome(step.Outcome)}{(step.Error is null ? string.Empty : $" ({step.Error})")}");
        }

        if (outcome.Report.Unknown is { } unknown)
        {
            PrintUnknown(error, outcome, unknown);
            return ExitCodes.Error;
        }

        if (outcome.Report.Steps.Count == 0)
        {
            output($"Nothing to rescue: '{outcome.JournalPath}' is clean.");
            return left ? ExitCodes.Error : ExitCodes.Ok;
        }

        output(outcome.JournalClean ? "The host has its GPU back." : $"Some steps could not be undone; '{outcome.JournalPath}' keeps them for the next 'lodge rescue'.");
        return outcome.JournalClean && !left ? ExitCodes.Ok : ExitCodes.Error;
    }

    // A damaged journal: what could be read was undone above; nothing is claimed about the rest.
    private static void PrintUnknown(Action<string> error, RescueOutcome outcome, string reason)
    {
        var gpu = outcome.UnknownGpu ?? "the GPU";
        error($"Error: the state of the host is unknown. {reason}");
        error("Every step that could be read was undone; check the rest by hand:");
        error($"  - 'lspci -nnk -s {gpu}' (and its other functions) shows the usual driver, not vfio-pci, and /sys/bus/pci/devices/*/driver_override is empty;");
        error("  - 'lsmod' lists the GPU's driver (amdgpu, nvidia, i915) and 'systemctl status display-manager' is active;");
        error("  - /sys/class/vtconsole/vtcon*/bind read 1 and no QEMU of that guest runs ('lodge status').");
        error($"When the host is right, move the journal aside: mv '{outcome.JournalPath}' '{outcome.JournalPath}.damaged'");
    }
}
