using Tmds.DBus.Protocol;

namespace Lodge.Linux.Host;

/// <summary>Stops and starts <c>display-manager.service</c> through systemd's D-Bus API (org.freedesktop.systemd1.Manager).</summary>
/// <remarks>
/// <c>StopUnit</c>/<c>StartUnit</c> with mode <c>replace</c> queue a job; the call then waits until the unit's
/// <c>ActiveState</c> is <c>inactive</c> (or <c>failed</c>) after a stop, <c>active</c> after a start, polling it through
/// org.freedesktop.DBus.Properties. A unit systemd does not know (NoSuchUnit) counts as stopped.
/// </remarks>
public sealed class SystemdDisplayManagerControl(string? busAddress = null) : IDisplayManagerControl, IServiceControl
{
    private const string Systemd = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";
    private const string Unit = "display-manager.service";

    /// <inheritdoc/>
    public Task StopDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(Unit, "StopUnit", ["inactive", "failed"], timeout, cancellationToken);

    /// <inheritdoc/>
    public Task StartDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(Unit, "StartUnit", ["active"], timeout, cancellationToken);

    /// <inheritdoc/>
    public Task StopUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(HostNames.Unit(unit), "StopUnit", ["inactive", "failed"], timeout, cancellationToken);

    /// <inheritdoc/>
    public Task StartUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(HostNames.Unit(unit), "StartUnit", ["active"], timeout, cancellationToken);

    /// <summary>Whether <c>display-manager.service</c> is active now; null when systemd cannot be asked (no system bus,
    /// no answer within <paramref name="timeout"/>). A unit systemd does not know is not active.</summary>
    public Task<bool?> IsActiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        IsUnitActiveAsync(Unit, timeout, cancellationToken);

    /// <summary>Whether <paramref name="unit"/> (<c>nvidia-persistenced.service</c>) is active now; null when systemd cannot
    /// be asked. A unit systemd does not know is not active.</summary>
    public async Task<bool?> IsUnitActiveAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            if ((busAddress ?? DBusAddress.System) is not { } address)
            {
                return null;
            }

            using var connection = new DBusConnection(address);
            await connection.ConnectAsync().AsTask().WaitAsync(cts.Token).ConfigureAwait(false);
            var state = await ActiveStateAsync(connection, HostNames.Unit(unit)).WaitAsync(cts.Token).ConfigureAwait(false);
            return state is "active" or "activating" or "reloading";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is DBusConnectionException or DBusErrorReplyException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task RunAsync(string unit, string method, string[] wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stop = method == "StopUnit";
        var action = unit == Unit ? (stop ? HostAction.StopDisplayManager : HostAction.StartDisplayManager) : (stop ? HostAction.StopService : HostAction.StartService);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var connection = new DBusConnection(busAddress ?? DBusAddress.System!);
            await connection.ConnectAsync().AsTask().WaitAsync(cts.Token).ConfigureAwait(false);

            // HOST EFFECT: stops (or starts) the display manager and with it the graphical session; the handoff's
            // way back starts (or stops) it again.
            await CallAsync(connection, ManagerPath, Manager, method, unit, "replace").WaitAsync(cts.Token).ConfigureAwait(false);
            while (true)
            {
                var state = await ActiveStateAsync(connection, unit).WaitAsync(cts.Token).ConfigureAwait(false);
                if (wanted.Contains(state))
                {
                    return;
                }

                await Task.Delay(100, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostWriteTimeoutException(action, unit, timeout);
        }
        catch (Exception e) when (e is DBusConnectionException or DBusErrorReplyException or IOException or InvalidOperationException)
        {
            throw new HostWriteException(action, unit, $"systemd did not {(stop ? "stop" : "start")} '{unit}' over D-Bus: {e.Message}", e);
        }
    }

    private static async Task<string> ActiveStateAsync(DBusConnection connection, string unit)
    {
        string path;
        try
        {
            path = await CallAsync(connection, ManagerPath, Manager, "GetUnit", unit).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchUnit")
        {
            return "inactive";
        }

        return await GetActiveStateAsync(connection, path).ConfigureAwait(false);
    }

    private static Task<string> GetActiveStateAsync(DBusConnection connection, string unitPath)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, unitPath, "org.freedesktop.DBus.Properties", "Get", "ss");
        writer.WriteString("org.freedesktop.systemd1.Unit");
        writer.WriteString("ActiveState");
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => m.GetBodyReader().ReadVariantValue().GetString(), null);
    }

    private static Task<string> CallAsync(DBusConnection connection, string path, string iface, string member, params string[] args)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, path, iface, member, new string('s', args.Length));
        foreach (var a in args)
        {
            writer.WriteString(a);
        }

        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => m.GetBodyReader().ReadObjectPathAsString(), null);
    }
}
