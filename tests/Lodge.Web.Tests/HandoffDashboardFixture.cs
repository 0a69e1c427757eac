using System.Text.Json.Nodes;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary><c>lodge serve --root TREE --simulated-host</c> with a machine, <c>gpu1</c>, that hands the tree's GPU over: its
/// handoffs run under the supervisor against the simulated kernel, as <c>lodge up --simulated-host</c> runs them.</summary>
public sealed class HandoffDashboardFixture : DashboardFixture
{
    protected override IReadOnlyList<string> GlobalArgs => ["--root", RepoPaths.Host("EADE3920D9")];

    protected override IReadOnlyList<string> ServeArgs => ["--simulated-host"];

    public string PhasePath => Path.Combine(RunRoot, "gpu1", "handoff.json");

    public JsonNode? Phase()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(PhasePath));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    protected override void WriteMachines() =>
        File.WriteAllText(Path.Combine(ConfigDir, "gpu1.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");

    public override async Task DisposeAsync()
    {
        // A supervisor a failed assertion left behind is asked to give everything back before the folder goes.
        if (Phase() is { } phase && phase["phase"]?.GetValue<string>() != "ended")
        {
            _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", phase["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            await Task.Delay(3000);
        }

        await base.DisposeAsync();
    }
}
