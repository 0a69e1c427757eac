using Lodge.Core.Setup;
using Lodge.Linux.Setup;

namespace Lodge.Cli.Rendering;

/// <summary>Prints a setup plan as a unified diff per file with its reasons, then the commands; and the list of past applies.</summary>
public static class SetupView
{
    /// <summary>Writes the plan: per file, its reasons as comments and its diff; then the commands in order.</summary>
    public static void WritePlan(TextWriter o, SetupPlan plan)
    {
        foreach (var change in plan.Changes)
        {
            o.WriteLine($"# {change.Path}");
            foreach (var reason in change.Reasons)
            {
                o.WriteLine($"#   {reason}");
            }

            o.Write(change.Diff);
            o.WriteLine();
        }

        WriteCommands(o, "Commands it would run:", plan.Regenerate.Concat(plan.BootCommands));
        if (plan.CommandTouchedPaths.Count > 0)
        {
            o.WriteLine($"Files those commands write (backed up first; a revert restores or removes them): {string.Join(", ", plan.CommandTouchedPaths)}");
        }

        if (plan.DeletePaths.Count > 0)
        {
            o.WriteLine($"Files it removes (backed up first): {string.Join(", ", plan.DeletePaths)}");
        }

        foreach (var note in plan.Notes)
        {
            o.WriteLine($"Note: {note}");
        }
    }

    /// <summary>Writes the past applies, oldest first.</summary>
    public static void WriteList(TextWriter o, IReadOnlyList<SetupManifest> manifests)
    {
        if (manifests.Count == 0)
        {
            o.WriteLine("No setup has been applied.");
            return;
        }

        o.WriteLine($"{"ID",-20} {"PHASE",-8} {"FILES",5}  {"STATE",-30} MACHINES");
        foreach (var m in manifests)
        {
            var state = m.Reverted is null ? "applied" : $"reverted {m.Reverted}";
            o.WriteLine($"{m.Id,-20} {(m.Phase == SetupPhase.Apply ? "apply" : "confirm"),-8} {m.Files.Count,5}  {state,-30} {string.Join(", ", m.Machines)}");
        }
    }

    private static void WriteCommands(TextWriter o, string title, IEnumerable<IReadOnlyList<string>> commands)
    {
        var list = commands.ToList();
        if (list.Count == 0)
        {
            return;
        }

        o.WriteLine(title);
        foreach (var argv in list)
        {
            o.WriteLine($"  {string.Join(' ', argv.Select(Quote))}");
        }
    }

    // Shell-quotes an argument only when it needs it, so the line can be pasted.
    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',') ? arg : $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
