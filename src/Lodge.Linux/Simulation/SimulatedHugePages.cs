using Lodge.Core.Runtime;
using Lodge.Linux.HugePages;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Hugepage pools in memory: a pool grows only up to what fragmentation allows, and one fault hits the Nth write.</summary>
public sealed class SimulatedHugePages : IHugePageControl
{
    private readonly Dictionary<string, long> _pools = new(StringComparer.Ordinal);
    private int _writes;

    /// <summary>The most pages any pool can hold (memory fragmentation).</summary>
    public long Capacity { get; set; } = long.MaxValue;

    /// <summary>The fault and the write (1-based) it hits; null for none.</summary>
    public SimulationFault? Inject { get; set; }

    /// <summary>How long a hung write waits before it times out, instead of the caller's timeout (tests keep it short).</summary>
    public TimeSpan? HangTimeout { get; set; }

    /// <summary>Every pool as <c>path=count</c>, sorted.</summary>
    public string State => string.Join(';', _pools.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Creates a pool with a count.</summary>
    public SimulatedHugePages With(HugePageAllocation pool, long count)
    {
        _pools[pool.NrHugePagesPath] = count;
        return this;
    }

    /// <inheritdoc/>
    public long? Read(HugePageAllocation pool) => _pools.TryGetValue(pool.NrHugePagesPath, out var n) ? n : null;

    /// <inheritdoc/>
    public async Task SetAsync(HugePageAllocation pool, long count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _writes++;
        if (Inject is { } fault && _writes == fault.Step)
        {
            switch (fault.Kind)
            {
                case SimulationFault.Fail:
                    throw new HostWriteException(HostAction.SetHugePages, pool.NrHugePagesPath, $"Writing '{pool.NrHugePagesPath}' failed (injected).");
                case SimulationFault.Hang:
                    try
                    {
                        await Task.Delay(HangTimeout ?? timeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                    }

                    throw new HostWriteTimeoutException(HostAction.SetHugePages, pool.NrHugePagesPath, HangTimeout ?? timeout);
                case SimulationFault.Crash:
                    _pools[pool.NrHugePagesPath] = Math.Min(count, Capacity);
                    throw new SimulatedCrashException($"The process died right after writing '{pool.NrHugePagesPath}' (injected).");
            }
        }

        _pools[pool.NrHugePagesPath] = Math.Min(count, Capacity);
    }
}
