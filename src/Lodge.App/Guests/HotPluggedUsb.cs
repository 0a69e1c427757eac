using System.Text.Json;
using System.Text.Json.Nodes;
using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>The USB devices <c>lodge usb attach</c> (or the dashboard) gave a running guest, kept in
/// <c>RUN_ROOT/NAME/usb-attached.json</c> with the QEMU pid they went to, so that a switch knows what the guest holds
/// beyond its definition. A record for another QEMU (an earlier run) counts as none.</summary>
public sealed class HotPluggedUsb(RuntimeRoots roots, string machine)
{
    /// <summary>The file.</summary>
    public string Path => System.IO.Path.Combine(roots.RunDir(machine), "usb-attached.json");

    /// <summary>The devices attached to the QEMU with <paramref name="qemuPid"/>, as named when attached (<see cref="Key"/>).</summary>
    public IReadOnlyList<string> Read(int qemuPid)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(Path));
            return node?["qemuPid"]?.GetValue<int>() == qemuPid
                ? [.. node["devices"]!.AsArray().Select(d => d!.GetValue<string>())]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return [];
        }
    }

    /// <summary>Records that <paramref name="device"/> was attached to (or detached from) the QEMU with <paramref name="qemuPid"/>.</summary>
    public void Record(int qemuPid, string device, bool attached)
    {
        var key = Key(device);
        var devices = Read(qemuPid).Where(d => d != key).ToList();
        if (attached)
        {
            devices.Add(key);
        }

        var json = new JsonObject { ["qemuPid"] = qemuPid, ["devices"] = new JsonArray([.. devices.Select(d => (JsonNode)JsonValue.Create(d))]) };
        AtomicFile.WriteText(Path, json.ToJsonString() + "\n");
    }

    /// <summary>One spelling per device: <c>vvvv:pppp</c> in lower case, <c>port:BUS-PORT</c>, or <c>emulated:DRIVER</c>
    /// (the test hook) as given.</summary>
    public static string Key(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Length == 9 && device[4] == ':' ? device.ToLowerInvariant() : device;
    }
}
