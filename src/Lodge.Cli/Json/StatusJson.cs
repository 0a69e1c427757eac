using System.Globalization;
using System.Text.Json.Nodes;
using Lodge.App.Guests;
using Lodge.App.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Json;

/// <summary><c>lodge status --json</c> (and the dashboard's <c>/api/status</c> and live state): the guests, what Lodge
/// still holds, the supervised handoffs and what starts at boot.</summary>
public static class StatusJson
{
    /// <summary>The document, indented, without a trailing newline.</summary>
    public static string Write(GuestOverview overview)
    {
        ArgumentNullException.ThrowIfNull(overview);
        var document = Guests(overview.Status.Guests, overview.Status.Notes);
        document["held"] = Held(overview.Held);
        document["handoffs"] = new JsonArray([.. overview.Handoffs.Select(h => (JsonNode)new JsonObject
        {
            ["name"] = h.Machine,
            ["phase"] = h.Phase.Phase,
            ["supervisorPid"] = h.Phase.Pid,
            ["supervisorRuns"] = h.SupervisorRuns,
            ["unit"] = h.Phase.Unit,
            ["exitCode"] = h.Phase.ExitCode,
            ["log"] = h.Phase.Log,
        })]);
        document["enabled"] = new JsonObject
        {
            ["guests"] = new JsonArray(overview.Enabled.Guests.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
            ["serve"] = overview.Enabled.Serve,
        };
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static JsonObject Held(HeldByLodge held) => new()
    {
        ["hugepages"] = new JsonArray(held.HugePages.Select(h => (JsonNode)new JsonObject
        {
            ["guest"] = h.Reservation.Guest,
            ["running"] = h.Running,
            ["node"] = h.Reservation.Pool.Node,
            ["pageKiB"] = h.Reservation.Pool.PageKiB,
            ["pages"] = h.Reservation.Held,
            ["asked"] = h.Reservation.Pool.Count,
        }).ToArray()),
        ["hugepageJournalDamage"] = held.HugePageDamage,
        ["isolatedFor"] = held.IsolatingGuest,
        ["controllers"] = new JsonArray(held.Controllers.Select(c => (JsonNode)new JsonObject
        {
            ["guest"] = c.Machine,
            ["running"] = c.Running,
            ["devices"] = new JsonArray(c.Devices.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["journal"] = c.Journal,
            ["rescueUndoes"] = new JsonArray(c.Undoes.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()),
            ["damage"] = c.Damage,
        }).ToArray()),
    };

    private static JsonObject Guests(IReadOnlyList<GuestStatus> statuses, IReadOnlyList<string> notes)
    {
        var guests = new JsonArray();
        foreach (var s in statuses)
        {
            guests.Add((JsonNode)new JsonObject
            {
                ["name"] = s.State.Machine,
                ["phase"] = s.State.Phase.Word(),
                ["runState"] = s.RunState,
                ["pid"] = s.State.Qemu?.Pid,
                ["supervisorPid"] = s.State.Supervisor?.Pid,
                ["startedAt"] = s.State.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                ["uptimeSeconds"] = Math.Round(s.Uptime.TotalSeconds, 1),
                ["helpers"] = new JsonArray(s.State.Helpers.Select(h => (JsonNode)new JsonObject { ["name"] = h.Name, ["pid"] = h.Pid }).ToArray()),
                ["shares"] = new JsonArray(s.State.Shares.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
                ["usb"] = new JsonArray(s.UsbDevices.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
                ["qmpSocket"] = s.State.QmpSocket,
                ["serialSocket"] = s.State.SerialSocket,
                ["connect"] = new JsonArray(s.State.ConnectHints.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
            });
        }

        return new JsonObject { ["guests"] = guests, ["cleaned"] = new JsonArray(notes.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()) };
    }
}
