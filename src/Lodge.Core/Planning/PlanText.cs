using System.Text;

namespace Lodge.Core.Planning;

/// <summary>A plan as <c>lodge plan</c> prints it: each decision on one line, its reason on the next.</summary>
public static class PlanText
{
    /// <summary>Formats every decision of <paramref name="plan"/>.</summary>
    public static string Format(MachinePlan plan)
    {
        var text = new StringBuilder();
        text.Append($"Plan for '{plan.Machine.Name}' ({plan.Machine.Os.ToString().ToLowerInvariant()}), state in {plan.Layout.StateDir}, run files in {plan.Layout.RunDir}\n");
        var width = plan.Decisions.Max(d => d.Topic.Length);
        foreach (var d in plan.Decisions)
        {
            text.Append($"  {d.Topic.PadRight(width)}  {d.Choice}\n");
            text.Append($"  {new string(' ', width)}  because: {d.Reason}\n");
        }

        return text.ToString();
    }
}
