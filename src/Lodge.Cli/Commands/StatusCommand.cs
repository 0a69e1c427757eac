using System.CommandLine;
using System.Globalization;
using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge status [NAME] [--json]</c>: state, pid, uptime, QMP run state, devices, shares and where to connect; cleans stale state on the way.</summary>
public static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Description = "One guest; all running guests when left out.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("status", "Show running guests.");
        command.Arguments.Add(name);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overview = await new GuestService(context.Host(parse)).OverviewAsync(parse.GetValue(name), cancellationToken);
            var ((statuses, notes, _), held, handoffs, enabled) = overview;
            var damaged = overview.Damaged;
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Json.StatusJson.Write(overview));
                return damaged > 0 ? ExitCodes.Error : ExitCodes.Ok;
            }

            foreach (var note in notes.Concat(held.Sentences()).Concat(handoffs.Select(Describe)))
            {
                context.Console.WriteLine(note);
            }

            if (statuses.Count == 0 && damaged == 0)
            {
                context.Console.WriteLine(parse.GetValue(name) is { } n ? $"Guest '{n}' is not running." : "No guest is running.");
            }

            foreach (var status in statuses)
            {
                Render(context.Console, status);
            }

            if (parse.GetValue(name) is null && (enabled.Guests.Count > 0 || enabled.Serve))
            {
                var atBoot = enabled.Guests.Select(g => $"'{g}'").Concat(enabled.Serve ? ["the dashboard"] : []);
                context.Console.WriteLine($"Starts at boot: {string.Join(", ", atBoot)}.");
            }
            else if (parse.GetValue(name) is { } single && enabled.Guests.Contains(single))
            {
                context.Console.WriteLine($"Guest '{single}' starts at boot.");
            }

            return damaged > 0 ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(HandoffStatus h)
    {
        var by = h.Phase.Unit is { } unit ? $"unit '{unit}', pid {h.Phase.Pid}" : $"supervisor pid {h.Phase.Pid}";
        return h.Phase.Phase == HandoffPhaseFile.Ended ? $"Handoff of '{h.Machine}': ended (exit code {h.Phase.ExitCode}); log: {h.Phase.Log}"
            : h.SupervisorRuns ? $"Handoff of '{h.Machine}': {h.Phase.Phase} ({by}); log: {h.Phase.Log}"
            : $"Handoff of '{h.Machine}': its supervisor ({by}) stopped in phase '{h.Phase.Phase}' without finishing; run 'sudo lodge rescue'. Log: {h.Phase.Log}";
    }

    private static void Render(IAnsiConsole console, GuestStatus s)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(new Text(key), new Text(value));
        Row("state", s.State.Phase == GuestPhase.Running ? s.RunState ?? "running (QMP did not answer)" : s.State.Phase.Word());
        Row("QEMU pid", s.State.Qemu?.Pid.ToString(CultureInfo.InvariantCulture) ?? "-");
        Row("supervisor", s.State.Supervisor is { } sup ? $"pid {sup.Pid}" : "none (unsupervised)");
        Row("uptime", $"{(int)s.Uptime.TotalHours:00}:{s.Uptime:mm\\:ss}");
        Row("helpers", s.State.Helpers.Count == 0 ? "-" : string.Join(", ", s.State.Helpers.Select(h => $"{h.Name} (pid {h.Pid})")));
        Row("shares", s.State.Shares.Count == 0 ? "-" : string.Join("\n", s.State.Shares));
        Row("usb", s.UsbDevices.Count == 0 ? "-" : string.Join("\n", s.UsbDevices));
        Row("connect", string.Join("\n", s.State.ConnectHints.Concat(s.State.SerialSocket is null ? [] : [$"serial: lodge console {s.State.Machine}"]).DefaultIfEmpty("-")));
        console.Write(new Panel(grid).Header(Markup.Escape(s.State.Machine)));
    }
}
