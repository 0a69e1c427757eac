using System.CommandLine;
using Lodge.Core.Machines;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge list</c>: the defined machines with their OS, GPU and file.</summary>
public static class ListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("list", "List the defined machines.");
        command.SetAction(parse =>
        {
            var store = context.Host(parse).Machines;
            var machines = store.LoadAll();
            if (machines.Count == 0)
            {
                context.Console.WriteLine($"No machines in {store.Directory}. Create one with 'lodge new NAME --os OS'.");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("Name", "OS", "GPU", "File");
            foreach (var (machine, problems) in machines)
            {
                var gpu = machine.Gpu is { } g ? $"{g.Device} ({GpuModeName(g.Mode)})" : "-";
                var name = problems.Count > 0 ? $"{machine.Name} (invalid)" : machine.Name;
                table.AddRow(Markup.Escape(name), MachineParser.NameOf(machine.Os), Markup.Escape(gpu), Markup.Escape(machine.File));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string GpuModeName(GpuMode mode) => MachineParser.GpuModeNames[(int)mode];
}
