using System.CommandLine;
using Lodge.Cli.Machines;
using Lodge.Core;
using Lodge.Core.Libvirt;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge export NAME --libvirt [-o FILE]</c>: the machine as libvirt domain XML.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to export." };
        var libvirt = new Option<bool>("--libvirt") { Description = "Write libvirt domain XML (the only format for now)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output.", HelpName = "FILE" };
        var command = new Command("export", "Write a machine in another tool's format, such as libvirt domain XML for virsh define.");
        command.Arguments.Add(name);
        command.Options.Add(libvirt);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            if (!parse.GetValue(libvirt))
            {
                throw new ConfigException("'lodge export' needs a format, and '--libvirt' is the only one.") { Hint = $"Run 'lodge export {parse.GetValue(name)} --libvirt'." };
            }

            var plan = MachinePlanning.Load(parse, parse.GetValue(name)!);
            var xml = DomainXmlWriter.Write(plan);

            // libvirt drops XML comments on define, and the comments are where the compromises are written.
            foreach (var line in plan.Warnings.Select(w => "Warning: " + w).Concat(DomainXmlWriter.Compromises(plan).Select(c => "Compromise: " + c)))
            {
                context.Error.WriteLine(line);
            }

            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file, xml);
                context.Out.WriteLine($"Wrote {file}; define it with 'virsh define {file}'.");
            }
            else
            {
                context.Out.Write(xml);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
