using System.CommandLine;
using Lodge.App.Machines;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge export NAME --libvirt [-o FILE]</c>: the machine as libvirt domain XML.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to export." };
        var libvirt = new Option<bool>("--libvirt") { Description = "Write libvirt domain XML (the only format for now)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output (never over a machine definition).", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Replace FILE when it exists (a machine definition is never replaced)." };
        var command = new Command("export", "Write a machine in another tool's format, such as libvirt domain XML for virsh define.");
        command.Arguments.Add(name);
        command.Options.Add(libvirt);
        command.Options.Add(output);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            if (!parse.GetValue(libvirt))
            {
                // A missing format is a wrong command line, like any other missing option.
                context.Error.WriteLine("Error: 'lodge export' needs a format, and '--libvirt' is the only one.");
                context.Error.WriteLine($"Run 'lodge export {parse.GetValue(name)} --libvirt'.");
                return ExitCodes.Usage;
            }

            var export = new MachineService(context.Host(parse)).ExportLibvirt(parse.GetValue(name)!, parse.GetValue(output), parse.GetValue(force));

            // libvirt drops XML comments on define, and the comments are where the compromises are written.
            foreach (var line in export.Warnings.Select(w => "Warning: " + w).Concat(export.Compromises.Select(c => "Compromise: " + c)))
            {
                context.Error.WriteLine(line);
            }

            if (export.Target is { } file)
            {
                MachineService.WriteExport(export);
                context.Out.WriteLine($"Wrote {file}; define it with 'virsh define {file}'.");
            }
            else
            {
                context.Out.Write(export.Xml);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
