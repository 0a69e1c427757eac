using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;

namespace Lodge.App.Switching;

/// <summary>The guest side of a handoff that can move the GPU from one guest to another without giving it back to the host
/// in between (<c>lodge switch NAME</c>). To the <see cref="HandoffExecutor"/> it is one guest whose life lasts until no
/// guest holds the GPU any more; the way back then runs as always.</summary>
/// <remarks>
/// <para>A switch powers the current guest off through ACPI within its own timeout (a force-off only when the request
/// says the user agreed), then starts the new one on the GPU, still on vfio-pci. If the new guest does not start or does
/// not become healthy, it is stopped and the previous guest starts again; if that fails too, no guest holds the GPU and
/// the executor gives it back to the host exactly as <c>lodge rescue</c> would.</para>
/// <para>The journal follows every change: the guest step is marked undone when a guest stops, and begun again (with the
/// new guest's stop as its undo) before the next starts, so a lodge killed mid-switch leaves a journal from which
/// <see cref="HandoffRescue"/> stops whichever guest holds the GPU and gives it back.</para>
/// <para>The switch runs in the process that runs the handoff, not in the requester: a browser (or a <c>lodge switch</c>)
/// that goes away does not stop it.</para>
/// </remarks>
public sealed class GuestSwitcher : IGuestControl
{
    private readonly Func<string, CancellationToken, Task<SwitchSlot>> _resolve;
    private readonly HandoffJournal _journal;
    private readonly HandoffStep _guestStep;
    private readonly Action<string> _log;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private TaskCompletionSource _switchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<SwitchResult>? _switch;
    private SwitchSlot? _current;
    private SwitchSlot _last;
    private bool _ended;

    /// <param name="first">The guest the handoff starts.</param>
    /// <param name="resolve">Plans a guest by name (for a switch, and to start the previous guest again).</param>
    /// <param name="journal">The handoff's journal.</param>
    /// <param name="guestStep">The plan's step that starts the guest (its index and timeout are reused for every guest).</param>
    /// <param name="log">Receives every progress line.</param>
    /// <param name="time">The clock of the health waits.</param>
    public GuestSwitcher(SwitchSlot first, Func<string, CancellationToken, Task<SwitchSlot>> resolve, HandoffJournal journal, HandoffStep guestStep, Action<string> log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(first);
        First = first;
        _last = first;
        _resolve = resolve;
        _journal = journal;
        _guestStep = guestStep;
        _log = log;
        _time = time;
    }

    /// <summary>The guest the handoff started with.</summary>
    public SwitchSlot First { get; }

    /// <summary>The guest that holds the GPU now; null before the start and once none does.</summary>
    public string? Holder
    {
        get
        {
            lock (_gate)
            {
                return _ended ? null : _current?.Name;
            }
        }
    }

    /// <summary>The <c>shutdown_timeout</c> of the guest that holds the GPU now (after a switch, the new guest's own); null
    /// when none does.</summary>
    public TimeSpan? HolderShutdownTimeout
    {
        get
        {
            lock (_gate)
            {
                return _ended ? null : _current?.ShutdownTimeout;
            }
        }
    }

    /// <inheritdoc/>
    public TimeSpan? StopWithin
    {
        get
        {
            lock (_gate)
            {
                return _current?.Control.StopWithin;
            }
        }
    }

    /// <summary>Called with the guest's name each time a guest holds the GPU (after the first start and after each switch).</summary>
    public Action<string>? HolderChanged { get; init; }

    /// <summary>Called when a guest powered off to give the GPU to another (its run ended as asked).</summary>
    public Action<string>? SwitchedAway { get; init; }

    /// <summary>Called after each start a switch tried (the new guest, or the previous one again): the guest's name, and
    /// null when it runs with the GPU, else why not.</summary>
    public Action<string, string?>? StartTried { get; init; }

    /// <summary>The guest control that held the GPU last (the first guest until a switch replaces it); the handoff's end
    /// (a crash, the watchdog) is that guest's.</summary>
    public IGuestControl LastControl
    {
        get
        {
            lock (_gate)
            {
                return _last.Control;
            }
        }
    }

    /// <summary>The watchdog's rule for the first guest (the executor's); null when that guest has none.</summary>
    public GuestHealth? Health => First.Health;

    /// <inheritdoc/>
    public async Task StartAsync(string guest, CancellationToken cancellationToken = default)
    {
        await First.Control.StartAsync(First.Name, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _current = First;
        }

        HolderChanged?.Invoke(First.Name);
    }

    /// <inheritdoc/>
    public Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        SwitchSlot? current;
        lock (_gate)
        {
            current = _current;
        }

        return current is null ? Task.CompletedTask : current.Control.StopAsync(current.Name, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task<SwitchResult>? running;
            SwitchSlot? current;
            Task started;
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                running = _switch;
                current = _current;
                started = _switchStarted.Task;
            }

            if (running is not null)
            {
                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (current is null)
            {
                return;
            }

            var exit = current.Control.WaitForExitAsync(cancellationToken);
            await Task.WhenAny(exit, started).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                // The guest waited on is still the one holding the GPU (a switch did not just replace it).
                if (_switch is null && exit.IsCompleted && ReferenceEquals(current, _current))
                {
                    // The guest powered off on its own: the handoff ends and the GPU goes back.
                    _ended = true;
                    return;
                }
            }
        }
    }

    /// <summary>Moves the GPU to <paramref name="to"/>; returns when it runs there, or the previous guest runs again, or
    /// neither does (then the executor gives the GPU back to the host).</summary>
    /// <param name="to">The machine to switch to.</param>
    /// <param name="force">The user agreed to a force-off if the current guest does not power off within its timeout.</param>
    public Task<SwitchResult> SwitchAsync(string to, bool force, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_ended || _current is null)
            {
                return Task.FromResult(new SwitchResult(SwitchOutcome.Refused, null, $"No guest holds the GPU any more, so there is nothing to switch from.", $"Run 'lodge up {to}'."));
            }

            if (_switch is not null)
            {
                return Task.FromResult(new SwitchResult(SwitchOutcome.Refused, _current.Name, "Another switch is running; nothing else was changed.", "Wait for it to end, then try again."));
            }

            if (string.Equals(_current.Name, to, StringComparison.Ordinal))
            {
                return Task.FromResult(new SwitchResult(SwitchOutcome.Refused, to, $"'{to}' already holds the GPU; nothing changed."));
            }

            var from = _current;
            var task = _switch = Task.Run(
                async () =>
                {
                    try
                    {
                        return await RunAsync(from, to, force, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        // The next request may come at once (a force after a refusal).
                        lock (_gate)
                        {
                            _switch = null;
                        }
                    }
                },
                CancellationToken.None);
            var started = _switchStarted;
            _switchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            started.SetResult();
            return task;
        }
    }

    private async Task<SwitchResult> RunAsync(SwitchSlot from, string to, bool force, CancellationToken cancellationToken)
    {
        SwitchSlot next;
        try
        {
            next = await _resolve(to, cancellationToken).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            return new SwitchResult(SwitchOutcome.Refused, from.Name, $"'{to}' cannot take the GPU from '{from.Name}': {e.Message}", e.Hint);
        }

        // What the current guest holds beyond its definition: what the next guest's definition names moves with the GPU.
        foreach (var line in SwitchUsb.Lines(from.Name, to, from.HotPlugged(), next.DefinedUsb))
        {
            _log(line);
        }

        // 1. The current guest powers off through ACPI within its own timeout; a force-off needs the user's word.
        _log($"Shutting '{from.Name}' down through ACPI (it has {from.ShutdownTimeout.TotalSeconds:0} s) to give the GPU to '{to}'.");
        if (!await from.Shutdown(from.ShutdownTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (!force)
            {
                _log($"'{from.Name}' did not power off within {from.ShutdownTimeout.TotalSeconds:0} s; it keeps the GPU.");
                return new SwitchResult(SwitchOutcome.NeedsForce, from.Name,
                    $"'{from.Name}' did not power off within {from.ShutdownTimeout.TotalSeconds:0} s and still runs with the GPU; nothing else changed.",
                    $"Save your work in '{from.Name}' and shut it down, or run 'lodge switch {to} --force' to force it off (it loses what it has not saved).");
            }

            _log($"'{from.Name}' did not power off within {from.ShutdownTimeout.TotalSeconds:0} s; forcing it off, as asked.");
            await from.ForceOff(cancellationToken).ConfigureAwait(false);
        }

        await from.Control.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        _journal.Append(new JournalEntry(JournalEntry.Undone, _guestStep.Index));
        _log($"'{from.Name}' is off; the GPU stays on vfio-pci.");
        SwitchedAway?.Invoke(from.Name);

        // 2. The new guest starts on the same GPU.
        var failure = await TryStartAsync(next, cancellationToken).ConfigureAwait(false);
        StartTried?.Invoke(to, failure);
        if (failure is null)
        {
            Hold(next);
            return new SwitchResult(SwitchOutcome.Switched, to, $"'{to}' runs with the GPU; '{from.Name}' is off.");
        }

        // 3. It did not: the previous guest starts again.
        _log($"Starting '{from.Name}' again.");
        string? againFailure;
        SwitchSlot? again = null;
        try
        {
            again = await _resolve(from.Name, cancellationToken).ConfigureAwait(false);
            againFailure = await TryStartAsync(again, cancellationToken).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            againFailure = e.Message;
        }

        StartTried?.Invoke(from.Name, againFailure);

        if (againFailure is null)
        {
            Hold(again!);
            return new SwitchResult(SwitchOutcome.PreviousBack, from.Name, $"'{to}' did not start with the GPU: {failure} '{from.Name}' runs with it again.", $"Run 'lodge logs {to}' to see why.");
        }

        // 4. Neither runs: the executor's way back gives the GPU to the host, as rescue would.
        lock (_gate)
        {
            _current = null;
            _ended = true;
        }

        _log($"'{from.Name}' did not start again either: {againFailure} The GPU goes back to the host.");
        return new SwitchResult(SwitchOutcome.HostBack, null, $"'{to}' did not start with the GPU ({failure}) and '{from.Name}' did not start again ({againFailure}); the GPU goes back to the host.", $"Run 'lodge logs {to}' and 'lodge logs {from.Name}' to see why.");
    }

    private void Hold(SwitchSlot slot)
    {
        lock (_gate)
        {
            _current = slot;
            _last = slot;
        }

        HolderChanged?.Invoke(slot.Name);
    }

    // Starts a guest on the GPU under the journal and waits until it is healthy; null when it is, else why not (and it is stopped).
    private async Task<string?> TryStartAsync(SwitchSlot slot, CancellationToken cancellationToken)
    {
        _journal.Append(new JournalEntry(JournalEntry.Begin, _guestStep.Index, $"start the guest '{slot.Name}'", new HandoffOperation(HandoffOperationKind.StopGuest, slot.Name), _guestStep.Timeout));
        _log($"Starting '{slot.Name}' with the GPU.");
        try
        {
            await slot.Control.StartAsync(slot.Name, cancellationToken).WaitAsync(_guestStep.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            _journal.Append(new JournalEntry(JournalEntry.Failed, _guestStep.Index, Detail: e.Message));
            _log($"'{slot.Name}' did not start: {e.Message}");

            // A start that timed out may have left QEMU running: stop it (nothing happens when it never started).
            await StopQuietlyAsync(slot).ConfigureAwait(false);
            return e.Message;
        }

        if (await IsHealthyAsync(slot, cancellationToken).ConfigureAwait(false))
        {
            _journal.Append(new JournalEntry(JournalEntry.Done, _guestStep.Index));
            _log($"'{slot.Name}' runs with the GPU.");
            return null;
        }

        var reason = $"it did not show it was healthy within {slot.Health!.HealthyWithin.TotalSeconds:0} s.";
        _log($"'{slot.Name}' {reason[3..]} Stopping it.");
        await StopQuietlyAsync(slot).ConfigureAwait(false);
        _journal.Append(new JournalEntry(JournalEntry.Undone, _guestStep.Index));
        return reason;
    }

    private async Task<bool> IsHealthyAsync(SwitchSlot slot, CancellationToken cancellationToken)
    {
        if (slot.Health is not { } health)
        {
            return true;
        }

        var exit = slot.Control.WaitForExitAsync(cancellationToken);
        var watchStarted = _time.GetTimestamp();
        while (!exit.IsCompleted && _time.GetElapsedTime(watchStarted) < health.HealthyWithin)
        {
            try
            {
                if (await health.IsHealthy(cancellationToken).WaitAsync(health.PollInterval, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is TimeoutException or LodgeException or IOException)
            {
                // Not yet: QMP may not answer in the first moments.
            }

            await Task.WhenAny(exit, Task.Delay(health.PollInterval, _time, cancellationToken)).ConfigureAwait(false);
        }

        return false;
    }

    private async Task StopQuietlyAsync(SwitchSlot slot)
    {
        try
        {
            await slot.ForceOff(CancellationToken.None).ConfigureAwait(false);
            await slot.Control.WaitForExitAsync(CancellationToken.None).WaitAsync(_guestStep.Timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LodgeException or TimeoutException or IOException)
        {
            _log($"Stopping '{slot.Name}' failed: {e.Message}");
        }
    }
}
