using System.CommandLine;
using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;
using Lodge.Linux;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Machines;

/// <summary>Loads a machine, checks it against the host, and plans it: what <c>check</c>, <c>plan</c>, <c>args</c>, <c>export</c> and <c>up</c> share.</summary>
public static class MachinePlanning
{
    /// <summary>The layout a machine's files get: below <c>LODGE_RUN_DIR</c> and <c>LODGE_STATE_DIR</c> (or /run/lodge and /var/lib/lodge).</summary>
    /// <remarks>The one place commands take a machine's run and state folders from, so that what <c>plan</c> and <c>args</c>
    /// print is what <c>up</c> uses.</remarks>
    public static RuntimeLayout LayoutOf(CliContext context, string name) =>
        new(context.Roots.RunDir(name), context.Roots.StateDir(name));

    /// <summary>The plan of machine <paramref name="name"/>; throws <see cref="ConfigException"/> when the machine has errors.</summary>
    public static MachinePlan Load(CliContext context, ParseResult parse, string name) => Load(context, parse, name, LayoutOf(context, name), probeKvm: false).Plan;

    /// <summary>The plan with the host it was made against, for a given runtime layout (what <c>up</c> needs).</summary>
    public static (MachinePlan Plan, HostSnapshot Host) Load(CliContext context, ParseResult parse, string name, RuntimeLayout layout, bool probeKvm = true)
    {
        var (parsed, host, assessments, problems) = Check(context, parse, name, layout, probeKvm);
        var errors = problems.Count(p => p.Severity == Severity.Error);
        if (errors > 0)
        {
            throw new ConfigException($"The machine '{name}' has {errors} error(s), so it cannot be planned.") { Hint = $"Run 'lodge check {name}' to see each one with its fix." };
        }

        var plan = MachinePlanner.Plan(parsed.Machine, host, assessments, layout);
        var systemRoot = Path.GetFullPath(parse.GetValue(LodgeApp.RootOption) ?? "/") == "/";
        return (plan with { Uuid = MachineIdentity.Load(layout.StateDir, name, create: systemRoot) }, host);
    }

    /// <summary>Refuses a machine that <c>lodge check</c> refuses, the same way: each problem as <c>check</c> prints it (on
    /// stderr), then the error <see cref="Load(CliContext, ParseResult, string, RuntimeLayout, bool)"/> throws (exit 3).</summary>
    /// <remarks>What <c>gpu handoff --dry-run</c> and <c>--simulate</c> run first, so that neither prints a plan for a machine
    /// that <c>up</c> would refuse (issue 13, item 8).</remarks>
    public static void RequireValid(CliContext context, ParseResult parse, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = Check(context, parse, name, LayoutOf(context, name)).Problems;
        var errors = problems.Count(p => p.Severity == Severity.Error);
        if (errors == 0)
        {
            return;
        }

        foreach (var problem in problems)
        {
            context.Error.WriteLine(problem.Format());
        }

        throw new ConfigException($"The machine '{name}' has {errors} error(s), so it cannot be planned.") { Hint = $"Run 'lodge check {name}' to see each one with its fix." };
    }

    /// <summary>Every problem with machine <paramref name="name"/>: its file, the host, and the safety of its disks, shares and sockets, in file order.</summary>
    public static (MachineParseResult Parsed, HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments, IReadOnlyList<Problem> Problems) Check(CliContext context, ParseResult parse, string name, RuntimeLayout layout, bool probeKvm = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lodge = context.Host(parse);
        var store = lodge.Machines;
        var parsed = store.Load(name);
        var rootPath = lodge.Root.Path;
        var (host, assessments) = HostLoader.Load(rootPath, probeKvm: probeKvm);
        var all = store.LoadAll().Select(r => r.Machine).ToList();
        var facts = new PathFactsReader(lodge.Root);
        var problems = parsed.Problems
            .Concat(MachineValidator.Validate(parsed.Machine, host, assessments, all))
            .Concat(MachineSafety.Validate(parsed.Machine, layout, facts.Read, PathFactsReader.UserUids()))
            .OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column)
            .ToList();
        return (parsed, host, assessments, problems);
    }
}
