using System.Globalization;
using Lodge.Core.Handoff;
using Lodge.Core.Machines;

namespace Lodge.Cli.Rendering;

/// <summary>Prints a <see cref="HandoffPlan"/> for <c>--dry-run</c>: each step, its undo and its timeout; then the way back.</summary>
public static class HandoffPlanView
{
    /// <summary>Writes the plan as plain text (stable, so it can be diffed and pasted into a report).</summary>
    public static void Write(TextWriter output, HandoffPlan plan)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(plan);
        output.WriteLine($"Handoff of '{plan.Gpu}' to '{plan.Guest}' (mode {plan.Mode.Word()}), endpoints: {string.Join(", ", plan.Endpoints)}.");
        foreach (var refusal in plan.Refusals)
        {
            output.WriteLine($"Refused: {refusal}");
        }

        foreach (var warning in plan.Warnings)
        {
            output.WriteLine($"Warning: {warning}");
        }

        foreach (var step in plan.Steps)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step.Index,3}. {step.Name}"));
            output.WriteLine($"       do:      {step.Do.Describe()}");
            output.WriteLine($"       undo:    {step.Undo.Describe()}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"       timeout: {step.Timeout.TotalSeconds:0.###} s"));
        }

        output.WriteLine("The way back, after the guest exits (or on any failure): the undos from the last applied step to the first.");
    }
}
