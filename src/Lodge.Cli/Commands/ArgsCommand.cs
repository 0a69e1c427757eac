using System.CommandLine;
using Lodge.App.Machines;
using Lodge.Core.Qemu;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge args NAME [--tcg]</c>: the QEMU command line, one option per line, pasteable into a shell.</summary>
public static class ArgsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose QEMU command line to print." };
        var tcg = new Option<bool>("--tcg") { Description = "Use QEMU's software emulator instead of KVM (for tests)." };
        var command = new Command("args", "Print the exact QEMU command line for a machine, one option per line.");
        command.Arguments.Add(name);
        command.Options.Add(tcg);
        command.SetAction(parse =>
        {
            var plan = new MachineService(context.Host(parse)).Plan(parse.GetValue(name)!).Plan;
            foreach (var warning in plan.Warnings)
            {
                context.Error.WriteLine("Warning: " + warning);
            }

            var argv = QemuArgvBuilder.Build(plan, new QemuArgvOptions(parse.GetValue(tcg) ? "tcg" : "kvm"));
            context.Out.Write(QemuCommandLine.Format(argv));
            return ExitCodes.Ok;
        });
        return command;
    }
}
