using Lodge.Linux.Host;
using Lodge.Linux.Isolation;

namespace Lodge.Linux.Simulation;

/// <summary>systemd's AllowedCPUs in memory, with one injected fault on the Nth set call: a failure, a hang until the timeout, or a crash (the process "dies").</summary>
/// <remarks>
/// A move into a scope does to the process's real threads what the kernel's cgroup move does on kernels before 6.2
/// (Debian 12's 6.1; lab scenario 10): cpuset_attach() sets each moved thread's affinity to the cpuset's CPUs (here
/// every online CPU, machine.slice having no limit), so a pin made before the move is lost. 6.2 and later keep the
/// user's mask (<see cref="MoveKeepsAffinity"/>).
/// </remarks>
public sealed class SimulatedCpuIsolation : ICpuIsolationControl
{
    private readonly Dictionary<string, IReadOnlyList<int>> _allowed = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _scopes = [];
    private readonly SemaphoreSlim _queue = new(1, 1);
    private int _sets;

    /// <summary>Every unit's AllowedCPUs as text (<c>""</c> for no limit), sorted by unit.</summary>
    public string State => string.Join(';', _allowed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Cpus.Format(p.Value)}"));

    /// <summary>The fault and the set call (1-based, <see cref="SimulationFault.Step"/>) it hits; null for none.</summary>
    public SimulationFault? Inject { get; set; }

    /// <summary>The scope each moved process is in (pid to scope).</summary>
    public IReadOnlyDictionary<int, string> Scopes => _scopes;

    /// <summary>When true, moving a process into a scope fails (systemd refuses).</summary>
    public bool FailMove { get; set; }

    /// <summary>True for a kernel of 6.2 or later, whose cgroup move keeps each thread's own affinity; false (the default)
    /// resets it as 6.1 does.</summary>
    public bool MoveKeepsAffinity { get; init; }

    /// <summary>How long systemd takes to carry out each set call (zero: at once). A busy systemd is slow: in lab
    /// scenario 10 on 6.12 one call took more than 10 s. Calls are carried out one at a time, in order, and a call its
    /// caller abandoned at the timeout is still carried out, as systemd does with a call it has received.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Set calls so far.</summary>
    public int SetCalls => _sets;

    /// <summary>Starts a unit with a value.</summary>
    public SimulatedCpuIsolation With(string unit, IReadOnlyList<int> cpus)
    {
        _allowed[unit] = cpus;
        return this;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<int>> GetAllowedCpusAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.FromResult(_allowed.GetValueOrDefault(unit) ?? []);

    /// <inheritdoc/>
    public Task MoveToScopeAsync(string scope, int pid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (FailMove)
        {
            throw new HostWriteException(HostAction.SetAllowedCpus, scope, $"systemd refused to start '{scope}' (injected).");
        }

        _scopes[pid] = scope;
        if (!MoveKeepsAffinity)
        {
            ResetAffinity(pid);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task SetAllowedCpusAsync(string unit, IReadOnlyList<int> cpus, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _sets++;
        if (Inject is { } fault && _sets == fault.Step)
        {
            switch (fault.Kind)
            {
                case SimulationFault.Fail:
                    throw new HostWriteException(HostAction.SetAllowedCpus, unit, $"systemd refused to set AllowedCPUs on '{unit}' (injected).");
                case SimulationFault.Hang:
                    try
                    {
                        await Task.Delay(timeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                    }

                    throw new HostWriteTimeoutException(HostAction.SetAllowedCpus, unit, timeout);
                case SimulationFault.Crash:
                    throw new SimulatedCrashException($"The process died while setting AllowedCPUs on '{unit}' (injected).");
            }
        }

        if (Latency <= TimeSpan.Zero)
        {
            _allowed[unit] = cpus;
            return;
        }

        var carriedOut = CarryOutAsync(unit, cpus);
        if (await Task.WhenAny(carriedOut, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false) != carriedOut)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new HostWriteTimeoutException(HostAction.SetAllowedCpus, unit, timeout);
        }
    }

    private async Task CarryOutAsync(string unit, IReadOnlyList<int> cpus)
    {
        await _queue.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(Latency).ConfigureAwait(false);
            _allowed[unit] = cpus;
        }
        finally
        {
            _queue.Release();
        }
    }

    // cpuset_attach() on 6.1: every thread of the moved process may run on the cpuset's CPUs again (all online ones).
    private static void ResetAffinity(int pid)
    {
        var all = Enumerable.Range(0, Environment.ProcessorCount).ToList();
        string[] tasks;
        try
        {
            // Only a process this one started (a spec's QEMU): a made-up pid may be someone else's real process.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[1] != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return;
            }

            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return; // no such process
        }

        foreach (var task in tasks)
        {
            if (int.TryParse(Path.GetFileName(task), out var tid))
            {
                // HOST EFFECT: a real thread's affinity, as the real kernel's cgroup move would set it; it ends with the thread.
                Native.SetAffinity(tid, all);
            }
        }
    }
}
