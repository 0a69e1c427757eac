using System.Text.Json.Nodes;
using Lodge.Linux.Processes;
using Lodge.Qmp;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

/// <summary>Asks QEMU whether a KVM guest with the host CPU runs code here, the way every Lodge guest runs.</summary>
/// <remarks>
/// /dev/kvm can exist and open, and QEMU can start a paused <c>-cpu host</c> guest whose QMP <c>query-kvm</c> says enabled,
/// while no guest kernel ever runs (kvm_pvm inside cloud VMs: the guest spins in the host kernel). So the probe starts
/// QEMU paused with KVM, the host CPU and <see cref="KvmProbePayload"/> as its firmware, checks <c>query-kvm</c>, lets the
/// vCPU run, and waits at most <see cref="GuestCodeLimit"/> for the payload's marker: QEMU exiting with
/// <see cref="KvmProbePayload.ExitCode"/>. About a fifth of a second when KVM works.
/// </remarks>
public static class KvmProbe
{
    /// <summary>How long the vCPU gets to reach 64-bit mode and write its marker (it needs microseconds).</summary>
    public static readonly TimeSpan GuestCodeLimit = TimeSpan.FromSeconds(2);

    /// <summary>"ok", or one line saying why a KVM guest ran no code.</summary>
    /// <param name="accelerator">kvm, as Lodge's guests run; tcg runs the same test guest in software (for tests).</param>
    /// <param name="time">The clock of the 10 s limit; the system's when null.</param>
    public static string Check(string qemuPath, string accelerator = "kvm", TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var dir = Directory.CreateTempSubdirectory("lodge-kvm-probe-").FullName;
        try
        {
            var socket = Path.Combine(dir, "qmp.sock");
            var log = Path.Combine(dir, "qemu.log");
            var firmware = Path.Combine(dir, "probe.fd");
            File.WriteAllBytes(firmware, KvmProbePayload.Image());
            List<string> argv =
            [
                qemuPath, "-machine", $"q35,accel={accelerator}", "-nodefaults", "-no-user-config", "-display", "none", "-S",
                "-bios", firmware, "-device", $"isa-debug-exit,iobase=0x{KvmProbePayload.DebugExitPort:x},iosize=0x01",
                "-qmp", $"unix:{socket},server=on,wait=off",
            ];
            if (accelerator == "kvm")
            {
                argv.InsertRange(3, ["-cpu", "host"]);
            }

            var qemu = SpawnedProcess.Start(argv, log);
            var probeStarted = clock.GetTimestamp();
            while (clock.GetElapsedTime(probeStarted) < TimeSpan.FromSeconds(10))
            {
                if (qemu.Exited.IsCompleted)
                {
                    return Failure(log);
                }

                if (File.Exists(socket) && StartGuest(socket, accelerator == "kvm") is { } started)
                {
                    if (started != "ok")
                    {
                        qemu.StopAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
                        return started;
                    }

                    if (!qemu.Exited.Wait(GuestCodeLimit))
                    {
                        qemu.StopAsync(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
                        return $"a KVM guest with the host CPU did not reach 64-bit mode and write Lodge's marker within {GuestCodeLimit.TotalSeconds:0} s.";
                    }

                    return qemu.Exited.Result.ExitCode == KvmProbePayload.ExitCode ? "ok" : Failure(log);
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

    // Checks query-kvm and lets the vCPU run: "ok", a reason, or null while QMP is not up yet.
    private static string? StartGuest(string socket, bool kvm)
    {
        try
        {
            var client = QmpClient.ConnectUnixAsync(socket).GetAwaiter().GetResult();
            using var dispose = new DisposeAsync(client);
            var answer = client.Session.ExecuteAsync("query-kvm").GetAwaiter().GetResult() as JsonObject;
            if (kvm && answer?["enabled"]?.GetValue<bool>() != true)
            {
                return "QEMU reports KVM as not enabled.";
            }

            client.ContAsync().GetAwaiter().GetResult();
            return "ok";
        }
        catch (QmpConnectException)
        {
            return null;
        }
        catch (QmpException)
        {
            // The guest may finish and QEMU exit before 'cont' is answered; the exit code tells.
            return "ok";
        }
    }

    private static string Failure(string log)
    {
        var lines = File.Exists(log) ? File.ReadAllLines(log).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("failed", StringComparison.OrdinalIgnoreCase) || l.Contains("fatal", StringComparison.OrdinalIgnoreCase)).ToList() : [];
        return lines.Count > 0 ? $"QEMU could not run a KVM guest with the host CPU: {lines[0].Replace("qemu-system-x86_64: ", "", StringComparison.Ordinal).Trim()}" : "QEMU could not run a KVM guest with the host CPU.";
    }

    private sealed class DisposeAsync(IAsyncDisposable inner) : IDisposable
    {
        public void Dispose() => inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
