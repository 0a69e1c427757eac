using System.CommandLine;
using Lodge.App.Machines;
using Lodge.Core;
using Lodge.Core.Libvirt;
using Lodge.Linux.Runtime;

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

            if (parse.GetValue(output) is { } target)
            {
                CheckTarget(target, context.Host(parse).Machines, parse.GetValue(force));
            }

            var plan = new MachineService(context.Host(parse)).Plan(parse.GetValue(name)!).Plan;
            var xml = DomainXmlWriter.Write(plan);

            // libvirt drops XML comments on define, and the comments are where the compromises are written.
            foreach (var line in plan.Warnings.Select(w => "Warning: " + w).Concat(DomainXmlWriter.Compromises(plan).Select(c => "Compromise: " + c)))
            {
                context.Error.WriteLine(line);
            }
            if (parse.GetValue(output) is { } file)
            {
                // HOST EFFECT: writes the XML file the user named (temporary name, fsync, rename).
                AtomicFile.WriteText(file, xml);
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

    // A machine definition is never overwritten (it is the user's source); any other existing file only with --force.
    private static void CheckTarget(string target, MachineStore store, bool force)
    {
        var full = Path.GetFullPath(target);
        var info = new FileInfo(full);
        var real = info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } link ? link.FullName : full;
        var machines = Path.GetFullPath(store.Directory).TrimEnd('/') + "/";
        if (real.EndsWith(".toml", StringComparison.Ordinal) && (real.StartsWith(machines, StringComparison.Ordinal) || full.StartsWith(machines, StringComparison.Ordinal)))
        {
            throw new ConfigException($"'{target}' is a machine definition in '{store.Directory}', and 'lodge export' never writes over one.") { Hint = "Write the XML to another file, such as NAME.xml." };
        }

        if (info.Exists && !force)
        {
            throw new ConfigException($"The file '{target}' already exists.") { Hint = "Add --force to replace it, or name another file." };
        }
    }
}
