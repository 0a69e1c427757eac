using System.CommandLine;
using Lodge.Linux.Handoff;

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
        var command = new Command("rescue", "Undo whatever an unfinished GPU handoff, CPU isolation or hugepage reservation left applied (run over SSH, from a TTY, or at boot). A second run does nothing.");
        command.Options.Add(journalOption);
        command.Options.Add(boot);
        command.SetAction(parse =>
        {
            var lodge = context.Host(parse);
            var journal = parse.GetValue(journalOption) is { Length: > 0 } path ? new HandoffJournal(path) : lodge.Journal;
            var host = lodge.RescueHost(line => context.Error.WriteLine(line));
            var report = new HandoffRescue(host, journal).RunAsync(parse.GetValue(boot)).GetAwaiter().GetResult();
            var isolation = new Lodge.Linux.Runtime.GuestStateStore(context.Roots).Isolator();
            if (!isolation.Journal.IsClean && parse.GetValue(boot))
            {
                // AllowedCPUs was set as a runtime property (/run/systemd/system.control): the reboot already dropped it.
                isolation.Journal.Clear();
                context.Out.WriteLine("The reboot gave system.slice, user.slice and init.scope every CPU back.");
            }
            else if (!isolation.Journal.IsClean)
            {
                var restored = isolation.RestoreAsync(Core.Planning.MachinePlanner.IsolatedUnits).GetAwaiter().GetResult();
                context.Out.WriteLine(restored
                    ? "system.slice, user.slice and init.scope may use every CPU again."
                    : $"Some units could not get their CPUs back; '{isolation.Journal.Path}' keeps them for the next 'lodge rescue'.");
                if (!restored)
                {
                    return ExitCodes.Error;
                }
            }

            var (hugePageLines, hugePagesLeft) = App.Runtime.HugePageRescue.Run(new Lodge.Linux.Runtime.GuestStateStore(context.Roots), parse.GetValue(boot));
            var damaged = hugePageLines.Count > 0 && hugePageLines[0].StartsWith("Error:", StringComparison.Ordinal);
            foreach (var line in hugePageLines)
            {
                (damaged ? context.Error : context.Out).WriteLine(line);
            }

            foreach (var step in report.Steps)
            {
                context.Out.WriteLine($"{step.Index,3}. {step.Name}: {Json.HandoffJson.Outcome(step.Outcome)}{(step.Error is null ? string.Empty : $" ({step.Error})")}");
            }

            if (report.Unknown is { } unknown)
            {
                PrintUnknown(context, journal, unknown);
                return ExitCodes.Error;
            }

            if (report.Steps.Count == 0)
            {
                context.Out.WriteLine($"Nothing to rescue: '{journal.Path}' is clean.");
                return hugePagesLeft ? ExitCodes.Error : ExitCodes.Ok;
            }

            context.Out.WriteLine(journal.IsClean ? "The host has its GPU back." : $"Some steps could not be undone; '{journal.Path}' keeps them for the next 'lodge rescue'.");
            return journal.IsClean && !hugePagesLeft ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    // A damaged journal: what could be read was undone above; nothing is claimed about the rest.
    private static void PrintUnknown(CliContext context, HandoffJournal journal, string reason)
    {
        var gpu = journal.Inspect().Gpu is { } g && Core.Hardware.PciAddress.TryParse(g, out var address) ? address.ToString() : "the GPU";
        context.Error.WriteLine($"Error: the state of the host is unknown. {reason}");
        context.Error.WriteLine("Every step that could be read was undone; check the rest by hand:");
        context.Error.WriteLine($"  - 'lspci -nnk -s {gpu}' (and its other functions) shows the usual driver, not vfio-pci, and /sys/bus/pci/devices/*/driver_override is empty;");
        context.Error.WriteLine("  - 'lsmod' lists the GPU's driver (amdgpu, nvidia, i915) and 'systemctl status display-manager' is active;");
        context.Error.WriteLine("  - /sys/class/vtconsole/vtcon*/bind read 1 and no QEMU of that guest runs ('lodge status').");
        context.Error.WriteLine($"When the host is right, move the journal aside: mv '{journal.Path}' '{journal.Path}.damaged'");
    }
}
