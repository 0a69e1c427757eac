using System.Globalization;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Qmp;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

public sealed partial class GuestRuntime
{
    private async Task PrepareFilesAsync(LaunchSpec spec, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (spec.Nvram is { } nvram)
        {
            if (!File.Exists(nvram.Target))
            {
                progress?.Report($"Copying NVRAM template {nvram.Template}");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(nvram.Target))!);
                // HOST EFFECT: the guest's own variable store, copied once (temporary name, fsync, rename) and never overwritten.
                try
                {
                    AtomicFile.Copy(nvram.Template, nvram.Target, overwrite: false);
                }
                catch (IOException e)
                {
                    throw new GuestRuntimeException(spec.Machine, $"Lodge could not copy the NVRAM template '{nvram.Template}' to '{nvram.Target}', and left no partial copy.", e) { Hint = "Free space in the state folder (or make it writable), then start the guest again." };
                }
            }

            CheckNvram(spec.Machine, nvram);
        }

        foreach (var disk in spec.DisksToCreate.Where(d => !File.Exists(d.Path)))
        {
            progress?.Report($"Creating disk {disk.Path}");
            var full = Path.GetFullPath(disk.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temporary = AtomicFile.TemporaryNameFor(full);
            File.Delete(temporary);
            // HOST EFFECT: creates a new disk image under a temporary name, then renames it into place; never overwrites
            // one (checked above, and the rename refuses an existing target). Deleting the machine removes it.
            var result = await _runner.RunAsync("qemu-img", ["create", "-q", "-f", disk.Format, temporary, disk.SizeBytes.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0 || result.TimedOut)
            {
                File.Delete(temporary);
                throw new GuestRuntimeException(spec.Machine, $"qemu-img could not create the disk '{disk.Path}': {result.StandardError.Trim()}");
            }

            try
            {
                AtomicFile.Commit(temporary, full, overwrite: false);
            }
            catch (IOException e)
            {
                File.Delete(temporary);
                throw new GuestRuntimeException(spec.Machine, $"Lodge could not put the new disk '{disk.Path}' in place.", e);
            }
        }

        foreach (var (path, content) in spec.Helpers.SelectMany(h => h.Files))
        {
            // HOST EFFECT: helper files (a private smb.conf, swtpm's state folder note) in the guest's folders.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.WriteText(path, content);
        }
    }

    private async Task WaitForSocketAsync(LaunchSpec spec, string name, SpawnedProcess process, string socket, CancellationToken cancellationToken)
    {
        var waitStarted = _time.GetTimestamp();
        while (!File.Exists(socket))
        {
            if (process.Exited.IsCompleted)
            {
                var exit = await process.Exited.ConfigureAwait(false);
                throw new GuestRuntimeException(spec.Machine, $"Helper '{name}' of '{spec.Machine}' ended with {exit.Describe()} before its socket '{socket}' appeared.{LogTailSuffix(spec, name)}");
            }

            if (_time.GetElapsedTime(waitStarted) > HelperReadyTimeout)
            {
                throw new GuestRuntimeException(spec.Machine, $"Helper '{name}' of '{spec.Machine}' did not create its socket '{socket}' within {HelperReadyTimeout.TotalSeconds:0} s.{LogTailSuffix(spec, name)}");
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    // QEMU answers QMP only once its machine is built: guest RAM allocated (hugepages preallocated), every VFIO device
    // opened and the RAM mapped for its DMA. That takes seconds on an idle host and minutes for a large guest or on a
    // busy one, so Lodge waits while QEMU lives (up to QmpReadyLimit) and says what it waits for.
    // Returns the connection that got the answer, still open, for the pinning's query right after (one handshake fewer:
    // QEMU reads a command a byte at a time, so a second connection cost about 20 ms of every start under TCG); the
    // caller closes it before anything else connects (QMP takes one client at a time).
    private async Task<QmpClient> WaitForQmpAsync(LaunchSpec spec, SpawnedProcess qemu, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var waitStarted = _time.GetTimestamp();
        var nextReport = QmpWaitReport;
        QmpConnectException? lastRefusal = null;
        while (true)
        {
            if (qemu.Exited.IsCompleted)
            {
                var exit = await qemu.Exited.ConfigureAwait(false);
                throw new GuestRuntimeException(spec.Machine, $"QEMU for '{spec.Machine}' ended with {exit.Describe()} before QMP answered.{LogTailSuffix(spec, "qemu")}") { Hint = $"The full argv is in {Path.Combine(spec.Layout.RunDir, "qemu.args")}." };
            }

            // QEMU creates the socket file before it accepts, and greets before its machine is built, but answers a
            // command only after: a connect that is refused or not answered in time is retried.
            if (File.Exists(spec.QmpSocket))
            {
                QmpClient? client = null;
                try
                {
                    // The answer to qmp_capabilities (the connect's negotiation) is the proof: QEMU dispatches commands
                    // in its main loop, which runs once the machine is built (a query-status after it cost one more
                    // round trip of a byte-at-a-time reader).
                    client = await QmpClient.ConnectUnixAsync(spec.QmpSocket, null, cancellationToken).ConfigureAwait(false);
                    var answered = client;
                    client = null;
                    return answered;
                }
                catch (QmpConnectException e)
                {
                    lastRefusal = e;
                }
                finally
                {
                    if (client is not null)
                    {
                        await client.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }

            var waited = _time.GetElapsedTime(waitStarted);
            if (waited > QmpReadyLimit)
            {
                throw new GuestRuntimeException(spec.Machine, $"QEMU for '{spec.Machine}' (pid {qemu.Pid}) is running but did not answer on its QMP socket '{spec.QmpSocket}' within {QmpReadyLimit.TotalSeconds:0} s, so Lodge stopped it.{LogTailSuffix(spec, "qemu")}", lastRefusal)
                {
                    Hint = $"QEMU may be stuck opening a device (a passed-through device that does not reset), or the host too busy or short of memory to build a guest of this size; the full argv is in {Path.Combine(spec.Layout.RunDir, "qemu.args")}.",
                };
            }

            if (waited >= nextReport)
            {
                progress?.Report($"QEMU (pid {qemu.Pid}) is still starting after {waited.TotalSeconds:0} s: it answers on QMP once it has allocated the guest's memory and opened its devices, which takes long for a large guest or on a busy host; Lodge waits up to {QmpReadyLimit.TotalSeconds:0} s while QEMU lives");
                nextReport += QmpWaitReport;
            }

            await Task.Delay(QmpPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string LogTailSuffix(LaunchSpec spec, string name)
    {
        var tail = RunningGuest.LogTail(Path.Combine(spec.Layout.RunDir, $"{name}.log"), 5);
        return tail.Count == 0 ? string.Empty : " Its log ends with: " + string.Join(" | ", tail);
    }
}
