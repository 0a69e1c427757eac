using System.CommandLine;
using Lodge.App.Reports;
using Lodge.Core;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Catalog;
using Lodge.Linux.Reports;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge report publish|pull|site</c>: the community catalog over git. The work lives in Lodge.Linux.Catalog
/// and Lodge.Core.Catalog; these commands parse, ask and render.</summary>
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
            var source = CatalogSource(parse.GetValue(catalog), context.Host(parse).Paths.ConfigDir);
            var dbPath = context.Host(parse).Paths.ReportsDatabase;
            using var store = ReportStore.Open(dbPath);
            var all = store.All();
            var wanted = parse.GetValue(ids) ?? [];
            var missing = wanted.Where(id => all.All(r => r.Id != id)).ToList();
            if (missing.Count > 0)
            {
                throw new ReportNotFoundException($"There is no report {missing[0]}.") { Hint = "Run 'lodge report list' to see the ids." };
            }

            // Only this host's own attempts: reports pulled from elsewhere are their reporters' to publish.
            var reports = wanted.Length == 0 ? all.Where(r => r.Origin == "local").ToList() : all.Where(r => wanted.Contains(r.Id)).ToList();
            if (reports.Count == 0)
            {
                context.Console.WriteLine("There is no local report to publish yet: every 'lodge up' records one.");
                return ExitCodes.Ok;
            }

            var secrets = PrivacySecrets.Collect(new HostRoot(parse.GetValue(LodgeApp.RootOption) ?? "/"))
                .Concat(all.Select(r => r.Machine).OfType<string>()).Distinct(StringComparer.Ordinal).ToList();
            (string, string)[] runRoots = [(context.Roots.RunRoot, "/run/lodge"), (context.Roots.StateRoot, "/var/lib/lodge")];
            var entries = reports.Select(r => (r.Id, Entry: CatalogEntry.For(ReportPrivacy.Filter(r, secrets, runRoots)))).ToList();

            context.Out.WriteLine($"These {entries.Count} file(s) will leave this machine for {source}, exactly as shown:");
            foreach (var (_, e) in entries)
            {
                context.Out.WriteLine($"--- {e.Path}");
                context.Out.Write(Lodge.Core.Machines.TerminalText.EscapeJson(e.Document));
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

            var clone = CatalogClone.Open(source, CacheRoot(dbPath), new CatalogGit());
            var result = CatalogPublisher.Publish(clone, [.. entries.Select(e => e.Entry)], context.Time.GetUtcNow());
            if (result.Pushed || result.Added == 0)
            {
                foreach (var (id, e) in entries)
                {
                    store.MarkPublished(id, e.Id);
                }
            }

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
                context.Console.WriteLine($"and open a merge request from branch {result.Branch} into {clone.Branch}.");
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
            var source = CatalogSource(parse.GetValue(catalog), context.Host(parse).Paths.ConfigDir);
            var dbPath = context.Host(parse).Paths.ReportsDatabase;
            using var store = ReportStore.Open(dbPath);
            var clone = CatalogClone.Open(source, CacheRoot(dbPath), new CatalogGit());
            if (clone.Offline is { } offline)
            {
                context.Console.WriteLine($"Could not reach {clone.Source} ({offline.TrimEnd('.')}); using the local clone as it was.");
            }

            var result = CatalogPuller.Pull(clone, store, context.Time.GetUtcNow());
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
            var (reports, pages) = CatalogSiteWriter.Write(Path.GetFullPath(parse.GetValue(catalog)!), parse.GetValue(output)!);
            context.Console.WriteLine($"Wrote {pages} page(s) for {reports} report(s) to {parse.GetValue(output)}; open index.html.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Where Lodge's settings file is: <c>lodge.toml</c> beside the machines folder <paramref name="machinesDir"/> (<c>/etc/lodge/lodge.toml</c> as root).</summary>
    public static string SettingsPath(string machinesDir) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(machinesDir)) ?? "/etc/lodge", CatalogConfig.FileName);

    /// <summary>The catalog URL of the settings file, or null.</summary>
    public static string? ConfiguredCatalog(string configDir)
    {
        var path = SettingsPath(configDir);
        return File.Exists(path) ? CatalogConfig.Url(File.ReadAllText(path), path) : null;
    }

    private static string CatalogSource(string? option, string configDir) =>
        option ?? ConfiguredCatalog(configDir)
        ?? throw new ConfigException($"No catalog is named: pass --catalog DIR|URL, or set it in '{SettingsPath(configDir)}' as [catalog] url = \"…\".");

    // Lodge's clones of catalogs sit beside the outcome database.
    private static string CacheRoot(string dbPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath)) ?? ".", "catalogs");

    private static Option<string?> CatalogOption() =>
        new("--catalog") { Description = "A catalog: a git URL or the folder of a git repository (default: [catalog] url in lodge.toml).", HelpName = "DIR|URL" };
}
