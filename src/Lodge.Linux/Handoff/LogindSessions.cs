using Lodge.Linux.Host;
using Tmds.DBus.Protocol;

namespace Lodge.Linux.Handoff;

/// <summary><see cref="ILoginSessions"/> through systemd-logind's D-Bus API (org.freedesktop.login1, logind's
/// <c>org.freedesktop.login1(5)</c>).</summary>
/// <remarks>
/// <c>Manager.ListSessions() → a(susso)</c>: id, uid, user name, seat id, object path. Each session's <c>Type</c>,
/// <c>Class</c> and <c>Scope</c> come from <c>org.freedesktop.DBus.Properties.Get("org.freedesktop.login1.Session", name)</c>.
/// <c>Manager.TerminateSession(s id)</c> ends one. User names are read off the wire and dropped: they never leave this type.
/// </remarks>
public sealed class LogindSessions(string? busAddress = null, TimeSpan? timeout = null) : ILoginSessions
{
    private const string Login1 = "org.freedesktop.login1";
    private const string ManagerPath = "/org/freedesktop/login1";
    private const string Manager = "org.freedesktop.login1.Manager";
    private const string Session = "org.freedesktop.login1.Session";

    private TimeSpan Limit => timeout ?? TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LoginSession>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Limit);
        try
        {
            if ((busAddress ?? DBusAddress.System) is not { } address)
            {
                return [];
            }

            using var connection = new DBusConnection(address);
            await connection.ConnectAsync().AsTask().WaitAsync(cts.Token).ConfigureAwait(false);
            var listed = await ListSessionsAsync(connection).WaitAsync(cts.Token).ConfigureAwait(false);
            var sessions = new List<LoginSession>();
            foreach (var (id, uid, seat, path) in listed)
            {
                var type = await GetStringAsync(connection, path, "Type").WaitAsync(cts.Token).ConfigureAwait(false);
                var @class = await GetStringAsync(connection, path, "Class").WaitAsync(cts.Token).ConfigureAwait(false);
                var scope = await GetStringAsync(connection, path, "Scope").WaitAsync(cts.Token).ConfigureAwait(false);
                sessions.Add(new LoginSession(id, uid, seat, type, @class, scope));
            }

            return sessions;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
        catch (Exception e) when (e is DBusConnectionException or DBusErrorReplyException or IOException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <inheritdoc/>
    public async Task TerminateAsync(string id, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Limit);
        try
        {
            using var connection = new DBusConnection(busAddress ?? DBusAddress.System!);
            await connection.ConnectAsync().AsTask().WaitAsync(cts.Token).ConfigureAwait(false);
            // HOST EFFECT: logind ends the session (its scope stops); nothing brings it back but a new login.
            await TerminateSessionAsync(connection, id).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostWriteTimeoutException(HostAction.StopDisplayManager, $"session {id}", Limit);
        }
        catch (Exception e) when (e is DBusConnectionException or DBusErrorReplyException or IOException or InvalidOperationException)
        {
            throw new HostWriteException(HostAction.StopDisplayManager, $"session {id}", $"logind did not end session '{id}' over D-Bus: {e.Message}", e);
        }
    }

    private static Task TerminateSessionAsync(DBusConnection connection, string id)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Login1, ManagerPath, Manager, "TerminateSession", "s");
        writer.WriteString(id);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    private static Task<List<(string Id, int Uid, string Seat, string Path)>> ListSessionsAsync(DBusConnection connection)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Login1, ManagerPath, Manager, "ListSessions");
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) =>
        {
            var reader = m.GetBodyReader();
            var list = new List<(string, int, string, string)>();
            var end = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(end))
            {
                reader.AlignStruct();
                var id = reader.ReadString();
                var uid = (int)reader.ReadUInt32();
                _ = reader.ReadString();
                var seat = reader.ReadString();
                var path = reader.ReadObjectPathAsString();
                list.Add((id, uid, seat, path));
            }

            return list;
        }, null);
    }

    private static Task<string> GetStringAsync(DBusConnection connection, string path, string property)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Login1, path, "org.freedesktop.DBus.Properties", "Get", "ss");
        writer.WriteString(Session);
        writer.WriteString(property);
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => m.GetBodyReader().ReadVariantValue().GetString(), null);
    }
}
