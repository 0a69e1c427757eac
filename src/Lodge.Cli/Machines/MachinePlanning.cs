using System.CommandLine;
using Lodge.Core;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;

namespace Lodge.Cli.Machines;

/// <summary>Loads a machine, checks it against the host, and plans it: what <c>plan</c>, <c>args</c> and <c>export</c> share.</summary>
public static class MachinePlanning
{
    /// <summary>The plan of machine <paramref name="name"/>; throws <see cref="ConfigException"/> when the machine has errors.</summary>
    public static MachinePlan Load(ParseResult parse, string name) => Load(parse, name, RuntimeLayout.For(name), probeKvm: false).Plan;

    /// <summary>The plan with the host it was made against, for a given runtime layout (what <c>up</c> needs).</summary>
    public static (MachinePlan Plan, Lodge.Core.Hardware.HostSnapshot Host) Load(ParseResult parse, string name, RuntimeLayout layout, bool probeKvm = true)
    {
        var store = MachineStore.For(parse.GetValue(LodgeApp.ConfigDirOption));
        var parsed = store.Load(name);
        var root = parse.GetValue(LodgeApp.RootOption) ?? "/";
        var (host, assessments) = HostLoader.Load(root, probeKvm: probeKvm);
        var all = store.LoadAll().Select(r => r.Machine).ToList();
        var errors = parsed.Problems.Concat(MachineValidator.Validate(parsed.Machine, host, assessments, all))
            .Count(p => p.Severity == Core.Passthrough.Severity.Error);
        if (errors > 0)
        {
            throw new ConfigException($"The machine '{name}' has {errors} error(s), so it cannot be planned.") { Hint = $"Run 'lodge check {name}' to see each one with its fix." };
        }

        var plan = MachinePlanner.Plan(parsed.Machine, host, assessments, layout);
        var stateDir = Linux.Runtime.RuntimeRoots.FromEnvironment().StateDir(name);
        var systemRoot = Path.GetFullPath(root) == "/";
        return (plan with { Uuid = Linux.Runtime.MachineIdentity.Load(stateDir, name, create: systemRoot) }, host);
    }
}
