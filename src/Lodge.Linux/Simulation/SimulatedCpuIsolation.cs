using Lodge.Linux.Host;
using Lodge.Linux.Isolation;

namespace Lodge.Linux.Simulation;

/// <summary>systemd's AllowedCPUs in memory, with one injected fault on the Nth set call: a failure, a hang until the timeout, or a crash (the process "dies").</summary>
public sealed class SimulatedCpuIsolation : ICpuIsolationControl
{
    private readonly Dictionary<string, IReadOnlyList<int>> _allowed = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _scopes = [];
    private int _sets;

    /// <summary>Every unit's AllowedCPUs as text (<c>""</c> for no limit), sorted by unit.</summary>
    public string State => string.Join(';', _allowed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Cpus.Format(p.Value)}"));

    /// <summary>The fault and the set call (1-based, <see cref="SimulationFault.Step"/>) it hits; null for none.</summary>
    public SimulationFault? Inject { get; set; }

    /// <summary>The scope each moved process is in (pid to scope).</summary>
    public IReadOnlyDictionary<int, string> Scopes => _scopes;

    /// <summary>When true, moving a process into a scope fails (systemd refuses).</summary>
    public bool FailMove { get; set; }

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

        _allowed[unit] = cpus;
    }
}
