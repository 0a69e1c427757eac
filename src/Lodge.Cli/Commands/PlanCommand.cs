using System.CommandLine;
using Lodge.Cli.Json;
using Lodge.App.Machines;
using Lodge.Core.Planning;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge plan NAME [--json]</c>: the concrete decisions for a machine on this host, each with its reason.</summary>
public static class PlanCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to plan." };
        var json = new Option<bool>("--json") { Description = "Print the decisions as JSON." };
        var command = new Command("plan", "Show what Lodge will do for a machine on this host, and why.");
        command.Arguments.Add(name);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var plan = new MachineService(context.Host(parse)).Plan(parse.GetValue(name)!).Plan;
            context.Out.Write(parse.GetValue(json) ? Json(plan) : PlanText.Format(plan));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>plan NAME --json</c> (and the dashboard's <c>/api/guests/NAME/plan</c>).</summary>
    internal static string Json(MachinePlan plan) => JsonOutput.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("machine", plan.Machine.Name);
        w.WriteString("run_dir", plan.Layout.RunDir);
        w.WriteString("state_dir", plan.Layout.StateDir);
        w.WriteStartArray("decisions");
        foreach (var d in plan.Decisions)
        {
            w.WriteStartObject();
            w.WriteString("topic", d.Topic);
            w.WriteString("choice", d.Choice);
            w.WriteString("reason", d.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
