using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>What Ctrl-C and SIGTERM do to a running guest (issue 13, item 6): the ACPI power button, a wait of up to the
/// machine's <c>shutdown_timeout</c>, and a force-off only when it has been said and asked for.</summary>
/// <remarks>
/// <para>The first Ctrl-C (<see cref="Interrupt"/>) presses the guest's ACPI power button and waits up to the timeout for it
/// to shut down; a second Ctrl-C forces it off (QMP <c>quit</c>, then SIGTERM and SIGKILL as the last resort). A guest that
/// has not shut down when the timeout passes is never forced silently: lodge says so and keeps waiting for the second
/// Ctrl-C (a Windows update may take longer than anyone guessed; only the user knows whether to cut it short).</para>
/// <para>SIGTERM (<see cref="Terminate"/>: <c>systemctl stop</c>, a system shutdown) has nobody to ask: the same wait, then
/// lodge says the guest did not shut down in time and forces it off. A Ctrl-C during that wait forces it off at once.</para>
/// <para>Every line is said through the log before anything is done. Thread-safe: signal handlers call it.</para>
/// </remarks>
public sealed class GuestPowerOff
{
    private readonly GuestRuntime _runtime;
    private readonly TimeSpan _timeout;
    private readonly Action<string> _say;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _forced = new();
    private Func<string?>? _target;
    private Func<TimeSpan?>? _timeoutOfTarget;
    private TimeSpan _asked;
    private bool _requested;
    private bool _forcing;
    private bool _forceAtTimeout;
    private bool _timedOut;
    private Task _work = Task.CompletedTask;

    /// <summary>Powers off the guests of <paramref name="runtime"/>, each given <paramref name="timeout"/> to shut down
    /// through ACPI; <paramref name="say"/> hears every step before it is taken.</summary>
    public GuestPowerOff(GuestRuntime runtime, TimeSpan timeout, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(say);
        _runtime = runtime;
        _timeout = timeout;
        _asked = timeout;
        _say = say;
    }

    /// <summary>How long the guest has to shut down through ACPI (the first guest's; after a switch, the <c>timeout</c> given to <c>Running</c> says the new guest's).</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>What is under way (the wait, the force-off); completed when nothing is.</summary>
    public Task Completion
    {
        get
        {
            lock (_gate)
            {
                return _work;
            }
        }
    }

    /// <summary>A guest runs from now on: <paramref name="target"/> names it when asked (after a switch, the guest that holds the GPU).</summary>
    public void Running(Func<string?> target) => Running(target, () => null);

    /// <summary>A guest runs from now on: <paramref name="target"/> names it when asked, and <paramref name="timeout"/> gives
    /// its own <c>shutdown_timeout</c> (null: <see cref="Timeout"/>), so that after a <c>lodge switch</c> the guest that holds
    /// the GPU now gets its own wait, not the first guest's.</summary>
    public void Running(Func<string?> target, Func<TimeSpan?> timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timeout);
        lock (_gate)
        {
            _target = target;
            _timeoutOfTarget = timeout;
        }
    }

    /// <summary>The guest has exited: a Ctrl-C from now on is not for it.</summary>
    public void Stopped()
    {
        lock (_gate)
        {
            _target = null;
        }
    }

    /// <summary>Ctrl-C: the first asks the guest to shut down and waits; the second forces it off. False when no guest runs
    /// (the caller then stops what is under way instead).</summary>
    public bool Interrupt() => Request(ask: true);

    /// <summary>SIGTERM: asks the guest to shut down, and at the timeout says so and forces it off. False when no guest runs.</summary>
    public bool Terminate() => Request(ask: false);

    private bool Request(bool ask)
    {
        lock (_gate)
        {
            if (_target?.Invoke() is not { } machine)
            {
                return false;
            }

            if (!_requested)
            {
                _requested = true;
                _asked = _timeoutOfTarget?.Invoke() ?? _timeout;
                _forceAtTimeout = !ask;
                _say(ask
                    ? $"Asking '{machine}' to power off through ACPI; waiting up to {Seconds} s for it to shut down (shutdown_timeout). Press Ctrl-C again to force it off."
                    : $"Asking '{machine}' to power off through ACPI; waiting up to {Seconds} s for it to shut down (shutdown_timeout), then forcing it off.");
                _work = Task.Run(() => ShutDownAsync(machine));
                return true;
            }

            if (_forcing)
            {
                return true;
            }

            if (!ask)
            {
                // SIGTERM during a Ctrl-C wait: nobody may be left to press Ctrl-C again, so force it at the timeout.
                _forceAtTimeout = true;
                if (!_timedOut)
                {
                    _say($"'{machine}' is forced off if it has not shut down when the {Seconds} s are up.");
                    return true;
                }

                _say($"'{machine}' did not shut down within {Seconds} s; forcing it off now.");
            }
            else
            {
                _say($"Forcing '{machine}' off now, as asked by the second Ctrl-C; it loses anything it has not saved.");
            }

            _forcing = true;
            _forced.Cancel();
            var before = _work;
            _work = Task.Run(async () =>
            {
                await before.ConfigureAwait(false);
                await ForceOffAsync(machine).ConfigureAwait(false);
            });
            return true;
        }
    }

    private string Seconds => _asked.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private async Task ShutDownAsync(string machine)
    {
        DownResult result;
        try
        {
            result = await _runtime.DownAsync(machine, _asked, force: false, _forced.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_forced.IsCancellationRequested)
        {
            return; // the force-off takes over
        }
        catch (GuestRuntimeException e)
        {
            // QMP gone or stuck: the power button cannot be pressed; only a force-off stops it, and only when asked.
            _say($"{e.Message} Press Ctrl-C again to force it off.");
            return;
        }

        if (result.Outcome is not DownOutcome.StillRunning)
        {
            return;
        }

        lock (_gate)
        {
            if (_forcing || _target is null)
            {
                return;
            }

            _timedOut = true;
            if (!_forceAtTimeout)
            {
                _say($"'{machine}' did not shut down within {Seconds} s and is still running; lodge waits on. Press Ctrl-C again to force it off (it loses anything it has not saved).");
                return;
            }

            _say($"'{machine}' did not shut down within {Seconds} s; forcing it off now.");
            _forcing = true;
        }

        await ForceOffAsync(machine).ConfigureAwait(false);
    }

    private async Task ForceOffAsync(string machine)
    {
        try
        {
            // HOST EFFECT: QMP quit, then SIGTERM and SIGKILL of that QEMU only; the guest loses what it had not written.
            await _runtime.DownAsync(machine, TimeSpan.Zero, force: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GuestRuntimeException e)
        {
            _say(e.Message);
        }
    }
}
