using System.CommandLine;
using Lodge.App.Catalog;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge report publish|pull|site</c>: the community catalog over git. The work lives in Lodge.App's
/// <see cref="CatalogService"/>; these commands parse, ask and render.</summary>
public static class CatalogCommand
{
    /// <summary><c>lodge report publish [ID...] --catalog DIR|URL [--yes]</c>.</summary>
    public static Command Publish(CliContext context)
    {
        var ids = new Argument<long[]>("ID") { Description = "Reports to publish (every local report when none is given).", Arity = ArgumentArity.ZeroOrMore };
        var catalog = CatalogOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Publish without asking (the files are still shown)." };
        var command = new Command("publish", "Show the privacy-filtered report files, then commit them to a catalog and push (or print how to offer them).");
        command.Arguments.Add(ids);
        command.Options.Add(catalog);
        command.Options.Add(yes);
        command.SetAction(parse =>
        {
            var service = new CatalogService(context.Host(parse));
            var preview = service.PreparePublish(new CatalogPublishRequest(parse.GetValue(ids) ?? [], parse.GetValue(catalog)));
            if (preview.Files.Count == 0)
            {
                context.Console.WriteLine("There is no local report to publish yet: every 'lodge up' records one.");
                return ExitCodes.Ok;
            }

            var source = preview.Source;
            context.Out.WriteLine($"These {preview.Files.Count} file(s) will leave this machine for {source}, exactly as shown:");
            foreach (var f in preview.Files)
            {
                context.Out.WriteLine($"--- {f.Entry.Path}");
                context.Out.Write(Lodge.Core.Machines.TerminalText.EscapeJson(f.Entry.Document));
            }

            if (!parse.GetValue(yes))
            {
                context.Out.Write($"Publish them to {source}? [y/N] ");
                context.Out.Flush();
                var answer = context.In.ReadLine()?.Trim().ToLowerInvariant();
                if (answer is not ("y" or "yes"))
                {
                    context.Console.WriteLine("Nothing was published.");
                    return ExitCodes.Ok;
                }
            }

            var outcome = service.Publish(preview);
            var result = outcome.Result;
            if (result.Added == 0)
            {
                context.Console.WriteLine($"The catalog already holds all {result.AlreadyThere} report(s); nothing new was committed.");
            }
            else if (result.Pushed)
            {
                context.Console.WriteLine($"Published {result.Added} report(s) to {source}" + (result.AlreadyThere > 0 ? $" ({result.AlreadyThere} were already there)." : "."));
            }
            else
            {
                context.Console.WriteLine($"Committed {result.Added} report(s) on branch {result.Branch} of the local clone '{result.CloneDirectory}', but the catalog did not accept the push: {result.PushRefusal}");
                context.Console.WriteLine("To offer them for review, fork the catalog, then run:");
                context.Out.WriteLine($"  {result.MergeRequestCommand}");
                context.Console.WriteLine($"and open a merge request from branch {result.Branch} into {outcome.DefaultBranch}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodge report pull [--catalog DIR|URL]</c>.</summary>
    public static Command Pull(CliContext context)
    {
        var catalog = CatalogOption();
        var command = new Command("pull", "Fetch a catalog and import the reports that are new since the last pull (offline: from the local clone).");
        command.Options.Add(catalog);
        command.SetAction(parse =>
        {
            var result = new CatalogService(context.Host(parse)).Pull(
                parse.GetValue(catalog),
                offline => context.Console.WriteLine($"Could not reach {offline.Source} ({offline.Reason.TrimEnd('.')}); using the local clone as it was."));
            foreach (var refusal in result.Refused)
            {
                // Raw lines, one per file: long paths must not wrap.
                context.Out.WriteLine($"Refused {Lodge.Core.Machines.TerminalText.Escape(refusal.Path)}: {Lodge.Core.Machines.TerminalText.Escape(refusal.Reason)}.");
            }

            var present = result.Present > 0 ? $", {result.Present} already here" : string.Empty;
            var refused = result.Refused.Count > 0 ? $", {result.Refused.Count} refused" : string.Empty;
            context.Console.WriteLine(result.Commit is null
                ? $"The catalog {result.Source} is empty."
                : $"{result.New} new report(s) from {result.Source}{present}{refused}; {result.Examined} file(s) read{(result.Incremental ? " (changed since the last pull)" : string.Empty)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodge report site --catalog DIR -o DIR</c>.</summary>
    public static Command Site(CliContext context)
    {
        var catalog = new Option<string>("--catalog") { Description = "The catalog folder (a clone).", Required = true, HelpName = "DIR" };
        var output = new Option<string>("--output", "-o") { Description = "The folder to write the site to.", Required = true, HelpName = "DIR" };
        var command = new Command("site", "Write a static HTML site of a catalog: by GPU, board and OS, every report readable and searchable without JavaScript.");
        command.Options.Add(catalog);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var site = CatalogService.Site(parse.GetValue(catalog)!, parse.GetValue(output)!);
            context.Console.WriteLine($"Wrote {site.Pages} page(s) for {site.Reports} report(s) to {parse.GetValue(output)}; open index.html.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string?> CatalogOption() =>
        new("--catalog") { Description = "A catalog: a git URL or the folder of a git repository (default: [catalog] url in lodge.toml).", HelpName = "DIR|URL" };
}
