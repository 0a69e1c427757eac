using System.CommandLine;
using Lodge.App.Host;
using Lodge.Core;
using Lodge.Core.Machines;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge new NAME --os OS [--gpu auto|ID|none]</c>: writes a commented machine file with host-aware defaults.</summary>
public static class NewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine's name; its file is NAME.toml." };
        var os = new Option<string?>("--os") { Description = "windows11 | windows10 | macos | linux | other (required unless --like gives it)" };
        var like = new Option<string?>("--like") { Description = "Start from a report that worked: its catalog id (or first 8+ hex digits) or local id; its GPU, mode and tunings are mapped onto this host.", HelpName = "REPORT-ID" };
        os.AcceptOnlyFromAmong(MachineParser.OsNames);
        var gpu = new Option<string>("--gpu") { Description = "auto (a passable GPU the host does not boot on), none, or vendor:device / an address.", DefaultValueFactory = _ => "auto" };
        var command = new Command("new", "Write a new machine definition with defaults taken from this host.");
        command.Arguments.Add(name);
        command.Options.Add(os);
        command.Options.Add(gpu);
        command.Options.Add(like);
        command.SetAction(parse =>
        {
            var store = context.Host(parse).Machines;
            var machineName = parse.GetValue(name)!;
            var path = store.PathOf(machineName);
            if (File.Exists(path))
            {
                throw new ConfigException($"The machine '{machineName}' already exists at '{path}'.") { Hint = "Edit that file, or pick another name." };
            }

            var (host, assessments) = HostLoader.Load(parse.GetValue(LodgeApp.RootOption) ?? "/");
            string text;
            if (parse.GetValue(like) is { } reference)
            {
                using var reports = context.Host(parse).OpenReports();
                (Lodge.Core.Reports.OutcomeReport Report, string? CatalogId)? found;
                try
                {
                    found = reports.Find(reference);
                }
                catch (ArgumentException e)
                {
                    throw new ConfigException(e.Message.Split(" (Parameter", 2)[0]) { Hint = "Run 'lodge report query' to see the ids." };
                }

                var (report, catalogId) = found ?? throw new ReportNotFoundException($"There is no report '{reference}' in the outcome database.") { Hint = "Run 'lodge report pull' to fetch the catalog, or 'lodge report list' for local ids." };
                text = Lodge.Core.Catalog.MachineFromReport.Write(report, catalogId ?? reference, host, assessments);
            }
            else
            {
                var osName = parse.GetValue(os) ?? throw new ConfigException("Say which OS the machine runs: --os windows11|windows10|macos|linux|other (or --like REPORT-ID).");
                var guestOs = (GuestOs)Array.IndexOf(MachineParser.OsNames, osName);
                text = MachineTemplate.Write(guestOs, parse.GetValue(gpu) ?? "auto", host, assessments);
            }

            Directory.CreateDirectory(store.Directory);
            File.WriteAllText(path, text);
            context.Out.WriteLine($"Wrote {path}");
            context.Out.WriteLine($"Run 'lodge check {machineName}' after editing it.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
