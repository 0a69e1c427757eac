using System.CommandLine;
using Lodge.Cli.Json;
using Lodge.Cli.Rendering;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge devices [--json]</c>: IOMMU groups with their devices and verdicts.</summary>
public static class DevicesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("devices", "List the IOMMU groups and their devices, with drivers, reset methods and passthrough verdicts.");
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var (host, assessments) = HostLoader.Load(parse.GetValue(LodgeApp.RootOption) ?? "/");
            if (parse.GetValue(json))
            {
                DevicesJson.WriteTo(context.Out, host, assessments);
            }
            else
            {
                DevicesView.Render(context.Console, host, assessments);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
