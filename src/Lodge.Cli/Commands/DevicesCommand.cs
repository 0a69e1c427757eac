using System.CommandLine;
using Lodge.App.Host;
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
        var fullScan = new Option<bool>("--full-scan") { Description = "Read the whole host as doctor does (for bench/: the cost before the scan scope).", Hidden = true };
        command.Options.Add(json);
        command.Options.Add(fullScan);
        command.SetAction(parse =>
        {
            var (host, assessments) = new HostService(context.Host(parse)).Devices(parse.GetValue(fullScan));
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
