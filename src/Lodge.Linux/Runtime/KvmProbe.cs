using System.Text.Json.Nodes;
using Lodge.Linux.Processes;
using Lodge.Qmp;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

/// <summary>Asks QEMU itself whether it can run a KVM guest with the host CPU, the way every Lodge guest runs.</summary>
/// <remarks>
/// /dev/kvm can exist and open while QEMU still cannot run a <c>-cpu host</c> guest on it (seen inside cloud VMs
/// under kvm_pvm: "failed to set MSR 0x10a"). So the probe starts QEMU paused with KVM and the host CPU, asks QMP
/// <c>query-kvm</c>, and quits it: about a tenth of a second when it works.
/// </remarks>
public static class KvmProbe
{
    /// <summary>"ok", or one line saying why QEMU could not run a KVM guest.</summary>
    public static string Check(string qemuPath, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var dir = Directory.CreateTempSubdirectory("lodge-kvm-probe-").FullName;
        try
        {
            var socket = Path.Combine(dir, "qmp.sock");
            var log = Path.Combine(dir, "qemu.log");
            var qemu = SpawnedProcess.Start([qemuPath, "-machine", "q35,accel=kvm", "-cpu", "host", "-nodefaults", "-display", "none", "-S", "-qmp", $"unix:{socket},server=on,wait=off"], log);
            var deadline = clock.GetUtcNow().AddSeconds(10);
            while (clock.GetUtcNow() < deadline)
            {
                if (!qemu.Exited.IsCompleted && File.Exists(socket) && TryQueryKvm(socket) is { } answer)
                {
                    // QEMU can still abort after answering, once its vCPU is set up.
                    var ended = qemu.Exited.Wait(TimeSpan.FromSeconds(3));
                    if (!ended)
                    {
                        qemu.StopAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
                    }

                    return ended && qemu.Exited.Result.ExitCode is not 0 ? Failure(log) : answer;
                }

                if (qemu.Exited.IsCompleted)
                {
                    return Failure(log);
                }

                Thread.Sleep(20);
            }

            qemu.StopAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
            return "QEMU did not answer on QMP within 10 s.";
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? TryQueryKvm(string socket)
    {
        try
        {
            var client = QmpClient.ConnectUnixAsync(socket).GetAwaiter().GetResult();
            using var dispose = new DisposeAsync(client);
            var kvm = client.Session.ExecuteAsync("query-kvm").GetAwaiter().GetResult() as JsonObject;
            var enabled = kvm?["enabled"]?.GetValue<bool>() == true;
            try
            {
                client.QuitAsync().GetAwaiter().GetResult();
            }
            catch (QmpException)
            {
                // It may abort while quitting; the exit code tells.
            }

            return enabled ? "ok" : "QEMU reports KVM as not enabled.";
        }
        catch (QmpConnectException)
        {
            return null;
        }
        catch (QmpException e)
        {
            return $"QEMU's QMP failed: {e.Message}";
        }
    }

    private static string Failure(string log)
    {
        var lines = File.Exists(log) ? File.ReadAllLines(log).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("failed", StringComparison.OrdinalIgnoreCase)).ToList() : [];
        return lines.Count > 0 ? $"QEMU could not run a KVM guest with the host CPU: {lines[0].Replace("qemu-system-x86_64: ", "", StringComparison.Ordinal).Trim()}" : "QEMU could not run a KVM guest with the host CPU.";
    }

    private sealed class DisposeAsync(IAsyncDisposable inner) : IDisposable
    {
        public void Dispose() => inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
