using System.CommandLine;
using Lodge.App.Host;
using Lodge.Cli.Json;
using Lodge.Cli.Rendering;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge doctor [--json]</c>: the go/no-go report; the exit code says go (0), no GPU (1) or no KVM (2).</summary>
public static class DoctorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the report." };
        var command = new Command("doctor", "Check whether this host can run guests and pass devices through, and say how to fix what is missing. Exit code 0: a GPU can be passed through; 1: guests run but no GPU can; 2: no KVM.");
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var report = new HostService(context.Host(parse)).Doctor();
            if (parse.GetValue(json))
            {
                DoctorJson.WriteTo(context.Out, report);
            }
            else
            {
                DoctorView.Render(context.Console, report);
            }

            return report.ExitCode;
        });
        return command;
    }
}
