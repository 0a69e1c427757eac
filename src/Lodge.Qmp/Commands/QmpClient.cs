using System.Text.Json.Nodes;
using Lodge.Qmp.Protocol;

namespace Lodge.Qmp.Commands;

/// <summary>Typed QMP commands over a <see cref="QmpSession"/>: status, power, devices and the human monitor.</summary>
/// <remarks>
/// Every method can throw what <see cref="QmpSession.ExecuteAsync(string, JsonObject?, CancellationToken)"/> throws;
/// a reply that does not match the QAPI schema throws <see cref="QmpProtocolException"/> without closing the session.
/// </remarks>
public sealed class QmpClient : IAsyncDisposable
{
    /// <summary>Wraps a session; the client owns it from now on.</summary>
    public QmpClient(QmpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
    }

    /// <summary>The protocol layer, for raw commands, events and the state.</summary>
    public QmpSession Session { get; }

    /// <summary>Every event since the session was created (see <see cref="QmpSession.Events"/>).</summary>
    public QmpEventListener Events => Session.Events;

    /// <summary>Connects over <paramref name="stream"/> and negotiates capabilities.</summary>
    /// <exception cref="QmpConnectException">The handshake failed; nothing is left open.</exception>
    public static async Task<QmpClient> ConnectAsync(Stream stream, QmpSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var session = new QmpSession(options);
        await session.ConnectAsync(stream, cancellationToken).ConfigureAwait(false);
        return new QmpClient(session);
    }

    /// <summary>Connects to the unix socket at <paramref name="path"/> and negotiates capabilities.</summary>
    /// <exception cref="QmpConnectException">The socket or the handshake failed; nothing is left open.</exception>
    public static async Task<QmpClient> ConnectUnixAsync(string path, QmpSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var session = new QmpSession(options);
        await session.ConnectUnixAsync(path, cancellationToken).ConfigureAwait(false);
        return new QmpClient(session);
    }

    /// <summary>Runs <c>query-status</c>.</summary>
    public async Task<QmpStatus> QueryStatusAsync(CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteObjectAsync("query-status", null, cancellationToken).ConfigureAwait(false);
        return new QmpStatus(
            QmpJson.GetString(reply, "status", "query-status reply"),
            QmpJson.GetBoolean(reply, "running", "query-status reply"));
    }

    /// <summary>Runs <c>system_powerdown</c>: presses the ACPI power button. A guest that ignores ACPI keeps running.</summary>
    public Task SystemPowerdownAsync(CancellationToken cancellationToken = default) =>
        Session.ExecuteAsync("system_powerdown", null, cancellationToken);

    /// <summary>Runs <c>quit</c>: QEMU exits at once. When this returns, the session is <see cref="QmpSessionState.Closed"/>.</summary>
    /// <remarks>
    /// Succeeds whether QEMU replies, closes the socket or resets it. After a reply it waits up to
    /// <see cref="QmpSessionOptions.CommandTimeout"/> for QEMU to close the socket, then closes the session itself.
    /// </remarks>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        await Session.ExecuteAsync("quit", null, cancellationToken).ConfigureAwait(false);
        try
        {
            await Session.Completion.WaitAsync(Session.Options.CommandTimeout, Session.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // QEMU acknowledged quit but kept the socket open; nothing more will come on it.
            await Session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <c>cont</c>: starts or resumes the vCPUs (QEMU then sends <c>RESUME</c>).</summary>
    public Task ContAsync(CancellationToken cancellationToken = default) =>
        Session.ExecuteAsync("cont", null, cancellationToken);

    /// <summary>Runs <c>stop</c>: pauses the vCPUs (QEMU then sends <c>STOP</c>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Session.ExecuteAsync("stop", null, cancellationToken);

    /// <summary>Runs <c>device_add</c>, like <c>-device DRIVER,id=ID,PROP=VALUE,...</c>.</summary>
    /// <param name="driver">The device model, such as <c>usb-kbd</c>.</param>
    /// <param name="id">The device id, used later by <see cref="DeviceDelAsync"/>.</param>
    /// <param name="properties">Further properties, such as <c>bus = "xhci.0"</c>; values are copied.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    public Task DeviceAddAsync(string driver, string id, IReadOnlyDictionary<string, JsonNode?>? properties = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(driver);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var arguments = new JsonObject { ["driver"] = driver, ["id"] = id };
        foreach (var (name, value) in properties ?? new Dictionary<string, JsonNode?>())
        {
            if (name is "driver" or "id")
            {
                throw new ArgumentException($"The device property '{name}' is set by its own parameter of DeviceAddAsync.", nameof(properties));
            }

            arguments[name] = value?.DeepClone();
        }

        return Session.ExecuteAsync("device_add", arguments, cancellationToken);
    }

    /// <summary>Runs <c>device_del</c>: asks for the device to be unplugged. It is gone when <c>DEVICE_DELETED</c> arrives.</summary>
    public Task DeviceDelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Session.ExecuteAsync("device_del", new JsonObject { ["id"] = id }, cancellationToken);
    }

    /// <summary>Runs <c>device_del</c> and waits for the <c>DEVICE_DELETED</c> event of that device.</summary>
    /// <remarks>
    /// Listens before sending, so the event cannot be missed. PCI unplug needs the guest's cooperation, so only
    /// <paramref name="cancellationToken"/> bounds the wait for the event.
    /// </remarks>
    public async Task<QmpEvent> DeviceDelAndWaitAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var deleted = Session.Listen("DEVICE_DELETED");
        await DeviceDelAsync(id, cancellationToken).ConfigureAwait(false);
        return await deleted.WaitForAsync(e => e.GetDataString("device") == id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <c>query-chardev</c>.</summary>
    public async Task<IReadOnlyList<QmpChardevInfo>> QueryChardevAsync(CancellationToken cancellationToken = default)
    {
        var reply = await Session.ExecuteAsync("query-chardev", null, cancellationToken).ConfigureAwait(false);
        if (reply is not JsonArray entries)
        {
            throw new QmpProtocolException("QEMU answered query-chardev with something other than an array.", reply?.ToJsonString());
        }

        var result = new List<QmpChardevInfo>(entries.Count);
        foreach (var entry in entries)
        {
            var info = entry as JsonObject
                ?? throw new QmpProtocolException("QEMU answered query-chardev with an entry that is not an object.", reply.ToJsonString());
            result.Add(new QmpChardevInfo(
                QmpJson.GetString(info, "label", "query-chardev entry"),
                QmpJson.GetString(info, "filename", "query-chardev entry"),
                QmpJson.GetBoolean(info, "frontend-open", "query-chardev entry")));
        }

        return result;
    }

    /// <summary>Runs <c>human-monitor-command</c> and returns the HMP output, such as <c>"VM status: running\r\n"</c>.</summary>
    public async Task<string> HumanMonitorCommandAsync(string commandLine, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandLine);
        var reply = await Session.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = commandLine }, cancellationToken).ConfigureAwait(false);
        return QmpJson.AsString(reply)
            ?? throw new QmpProtocolException("QEMU answered human-monitor-command with something other than a string.", reply?.ToJsonString());
    }

    /// <summary>Closes the session.</summary>
    public ValueTask DisposeAsync() => Session.DisposeAsync();

    private async Task<JsonObject> ExecuteObjectAsync(string command, JsonObject? arguments, CancellationToken cancellationToken)
    {
        var reply = await Session.ExecuteAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        return reply as JsonObject
            ?? throw new QmpProtocolException($"QEMU answered {command} with something other than an object.", reply?.ToJsonString());
    }
}
