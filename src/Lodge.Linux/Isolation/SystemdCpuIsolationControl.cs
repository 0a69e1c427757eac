using Lodge.Linux.Host;
using Tmds.DBus.Protocol;

namespace Lodge.Linux.Isolation;

/// <summary>AllowedCPUs through systemd's D-Bus API: <c>SetUnitProperties(name, runtime=true, [("AllowedCPUs", ay)])</c> and the unit's property.</summary>
/// <remarks>
/// Like <c>systemctl set-property --runtime UNIT AllowedCPUs=...</c> (org.freedesktop.systemd1(5); the mask is a byte
/// array, bit N for CPU N). Runtime properties live in /run, so a reboot drops them. Needs the cgroup v2 cpuset
/// controller, which systemd enables for slices when a unit sets AllowedCPUs.
/// </remarks>
public sealed class SystemdCpuIsolationControl(string? busAddress = null) : ICpuIsolationControl
{
    private const string Systemd = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";

    /// <inheritdoc/>
    public Task<IReadOnlyList<int>> GetAllowedCpusAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(unit, timeout, async connection =>
        {
            var path = await CallForPathAsync(connection, "GetUnit", unit).ConfigureAwait(false);
            return await connection.CallMethodAsync(GetProperty(connection, path, unit), static (Message m, object? _) => (IReadOnlyList<int>)Cpus.FromMask(m.GetBodyReader().ReadVariantValue().GetArray<byte>()), null).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task SetAllowedCpusAsync(string unit, IReadOnlyList<int> cpus, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(unit, timeout, async connection =>
        {
            // HOST EFFECT: the unit's processes may run only on these CPUs until the same call lifts it (empty mask) or
            // the host reboots; CpuIsolator journals the previous value first.
            await connection.CallMethodAsync(SetProperty(connection, unit, cpus)).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task MoveToScopeAsync(string scope, int pid, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(scope, timeout, async connection =>
        {
            // HOST EFFECT: QEMU leaves the slice it was started in (user.slice from a terminal, system.slice from a
            // service) for machine.slice/SCOPE; the scope ends when QEMU exits, so there is nothing to undo.
            await connection.CallMethodAsync(StartScope(connection, scope, pid)).ConfigureAwait(false);

            // The job runs after the reply: wait until the kernel shows the process in its scope.
            while (!InScope(pid, scope))
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    private static bool InScope(int pid, string scope)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/cgroup").Any(l => l.EndsWith("/machine.slice/" + scope, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"The process {pid} is gone.");
        }
    }

    private static MessageBuffer StartScope(DBusConnection connection, string scope, int pid)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, ManagerPath, Manager, "StartTransientUnit", "ssa(sv)a(sa(sv))");
        writer.WriteString(scope);
        writer.WriteString("fail");
        var properties = writer.WriteArrayStart(DBusType.Struct);
        writer.WriteStructureStart();
        writer.WriteString("Slice");
        writer.WriteSignature("s");
        writer.WriteString("machine.slice");
        writer.WriteStructureStart();
        writer.WriteString("Description");
        writer.WriteSignature("s");
        writer.WriteString("Lodge guest");
        writer.WriteStructureStart();
        writer.WriteString("PIDs");
        writer.WriteSignature("au");
        writer.WriteArray(new uint[] { (uint)pid });
        writer.WriteArrayEnd(properties);
        var aux = writer.WriteArrayStart(DBusType.Struct);
        writer.WriteArrayEnd(aux);
        return writer.CreateMessage();
    }

    private static MessageBuffer SetProperty(DBusConnection connection, string unit, IReadOnlyList<int> cpus)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, ManagerPath, Manager, "SetUnitProperties", "sba(sv)");
        writer.WriteString(unit);
        writer.WriteBool(true);
        var array = writer.WriteArrayStart(DBusType.Struct);
        writer.WriteStructureStart();
        writer.WriteString("AllowedCPUs");
        writer.WriteSignature("ay");
        writer.WriteArray(Cpus.ToMask(cpus));
        writer.WriteArrayEnd(array);
        return writer.CreateMessage();
    }

    private static MessageBuffer GetProperty(DBusConnection connection, string path, string unit)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, path, "org.freedesktop.DBus.Properties", "Get", "ss");
        writer.WriteString(InterfaceOf(unit));
        writer.WriteString("AllowedCPUs");
        return writer.CreateMessage();
    }

    private static string InterfaceOf(string unit) =>
        unit.EndsWith(".scope", StringComparison.Ordinal) ? "org.freedesktop.systemd1.Scope"
        : unit.EndsWith(".service", StringComparison.Ordinal) ? "org.freedesktop.systemd1.Service"
        : "org.freedesktop.systemd1.Slice";

    private async Task<T> RunAsync<T>(string unit, TimeSpan timeout, Func<DBusConnection, Task<T>> call, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var connection = new DBusConnection(busAddress ?? DBusAddress.System!);
            await connection.ConnectAsync().AsTask().WaitAsync(cts.Token).ConfigureAwait(false);
            return await call(connection).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostWriteTimeoutException(HostAction.SetAllowedCpus, unit, timeout);
        }
        catch (Exception e) when (e is DBusConnectionException or DBusErrorReplyException or IOException or InvalidOperationException)
        {
            throw new HostWriteException(HostAction.SetAllowedCpus, unit, $"systemd did not read or set AllowedCPUs of '{unit}' over D-Bus: {e.Message}", e);
        }
    }

    private static Task<string> CallForPathAsync(DBusConnection connection, string member, string arg)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Systemd, ManagerPath, Manager, member, "s");
        writer.WriteString(arg);
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => m.GetBodyReader().ReadObjectPathAsString(), null);
    }
}
