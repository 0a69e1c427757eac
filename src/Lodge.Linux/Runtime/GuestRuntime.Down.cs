using Lodge.Linux.Processes;
using Lodge.Qmp;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

public sealed partial class GuestRuntime
{
    /// <summary>Stops <paramref name="machine"/>: ACPI power-down through QMP, then a wait of <paramref name="timeout"/>.
    /// Only then, and only with <paramref name="force"/>, QMP <c>quit</c> (then SIGKILL). Helpers stop after QEMU.</summary>
    /// <remarks>Works whether the guest's supervisor is this process, another one, or gone.</remarks>
    public async Task<DownResult> DownAsync(string machine, TimeSpan timeout, bool force, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var state = Store.Refresh(machine, out _);
        if (state?.Qemu is not { } qemu)
        {
            return new DownResult(machine, DownOutcome.NotRunning, TimeSpan.Zero, 0);
        }

        var qmpAnswered = true;
        try
        {
            // A QMP that accepts but never answers must not hang down: the power button gets a limit of its own.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(QmpLimit);
            await using var client = await ConnectAsync(state, _time, limit.Token).ConfigureAwait(false);
            // HOST EFFECT: presses the guest's ACPI power button; the guest decides to power off.
            await client.SystemPowerdownAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or GuestRuntimeException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks) && !force)
            {
                throw new GuestRuntimeException(machine, $"QMP of '{machine}' on '{state.QmpSocket}' is gone or does not answer, so the guest cannot be asked to power off.", e)
                {
                    Hint = $"Run 'lodge down {machine} --force' to stop its QEMU (pid {qemu.Pid}) with SIGTERM, then SIGKILL.",
                };
            }

            qmpAnswered = false;
        }

        var outcome = DownOutcome.PoweredOff;
        if (!await WaitGoneAsync(qemu, qmpAnswered ? timeout : TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            if (!force)
            {
                return new DownResult(machine, DownOutcome.StillRunning, _time.GetElapsedTime(started), 0);
            }

            outcome = DownOutcome.StoppedHard;
            if (qmpAnswered)
            {
                try
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(QmpLimit);
                    await using var client = await ConnectAsync(state, _time, limit.Token).ConfigureAwait(false);
                    // HOST EFFECT: QEMU exits at once; the guest loses anything it had not written.
                    await client.QuitAsync(limit.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is QmpException or GuestRuntimeException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // QMP is stuck or gone: signals below.
                }
            }

            // Signals only while the pid is still that QEMU: same start time as recorded, and a QEMU command line.
            foreach (var signal in new[] { 15, 9 })
            {
                if (await WaitGoneAsync(qemu, qmpAnswered || signal == 9 ? TimeSpan.FromSeconds(5) : TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                if (!IsQemu(qemu.Pid))
                {
                    throw new GuestRuntimeException(machine, $"Pid {qemu.Pid} recorded for '{machine}' has its start time but not a QEMU command line; it was not signalled.");
                }

                // HOST EFFECT: SIGTERM (QEMU exits cleanly) then SIGKILL; the guest loses anything it had not written.
                ProcessTable.Signal(qemu.Pid, qemu.StartTicks, signal);
            }

            await WaitGoneAsync(qemu, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }

        // A live supervisor stops the helpers and removes state.json itself; give it a moment, then do it here.
        var supervised = state.Supervisor is { } s && s.Pid != Environment.ProcessId && ProcessTable.IsAlive(s.Pid, s.StartTicks);
        var waitStarted = _time.GetTimestamp();
        while (supervised && File.Exists(Store.Roots.StateFile(machine)) && _time.GetElapsedTime(waitStarted) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        var stopped = 0;
        if (state.Supervisor?.Pid != Environment.ProcessId && File.Exists(Store.Roots.StateFile(machine)))
        {
            stopped = GuestStateStore.StopProcesses(state.Helpers, _time);
            Store.Clean(state);
        }

        return new DownResult(machine, outcome, _time.GetElapsedTime(started), stopped);
    }

    /// <summary>Connects to the guest's QMP socket, retrying for up to 5 s while another lodge command holds it (QEMU serves one client at a time).</summary>
    /// <exception cref="GuestRuntimeException">QMP did not answer.</exception>
    public static Task<QmpClient> ConnectAsync(GuestState state, CancellationToken cancellationToken = default) => ConnectAsync(state, TimeProvider.System, cancellationToken);

    /// <summary>Connects as <see cref="ConnectAsync(GuestState, CancellationToken)"/> does, with the 5 s measured on <paramref name="clock"/>.</summary>
    public static async Task<QmpClient> ConnectAsync(GuestState state, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        // A deadline is monotonic time (the clock's timestamps), never the wall clock a test may pin.
        var started = clock.GetTimestamp();
        while (true)
        {
            try
            {
                return await QmpClient.ConnectUnixAsync(state.QmpSocket, new Qmp.Protocol.QmpSessionOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }, cancellationToken).ConfigureAwait(false);
            }
            catch (QmpConnectException e)
            {
                if (clock.GetElapsedTime(started) > TimeSpan.FromSeconds(5))
                {
                    throw new GuestRuntimeException(state.Machine, $"Cannot reach QMP of '{state.Machine}' on '{state.QmpSocket}'.", e);
                }
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan QmpLimit = TimeSpan.FromSeconds(10);

    // /proc/PID/cmdline's first word names a QEMU system emulator (qemu-system-x86_64, qemu-kvm).
    private static bool IsQemu(int pid)
    {
        try
        {
            var argv0 = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
            return Path.GetFileName(argv0).Contains("qemu", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task<bool> WaitGoneAsync(GuestProcessState qemu, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waitStarted = _time.GetTimestamp();
        while (ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks))
        {
            if (_time.GetElapsedTime(waitStarted) > timeout)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
