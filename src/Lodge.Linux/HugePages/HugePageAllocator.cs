using Lodge.Core.Runtime;
using Lodge.Linux.Host;

namespace Lodge.Linux.HugePages;

/// <summary>Adds a guest's hugepages to a pool at start and gives them back at stop.</summary>
/// <remarks>Invariant: when <see cref="AllocateAsync"/> throws, the pool has its previous count again (or the write back failed and the exception says so).</remarks>
public sealed class HugePageAllocator(IHugePageControl control, TimeSpan? timeout = null)
{
    /// <summary>What to do instead: reserve pages at boot, when memory is not yet fragmented.</summary>
    public const string Fallback = "Reserve 1G pages at boot: set hugepages = \"1G\" in the machine and run 'lodge setup --for NAME --apply', or set hugepages = \"off\".";

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    /// <summary>Grows the pool by <see cref="HugePageAllocation.Count"/>; returns the count it had before.</summary>
    /// <exception cref="HugePageAllocationException">The kernel gave fewer pages (fragmentation), or the pool could not be written.</exception>
    public async Task<long> AllocateAsync(HugePageAllocation pool, CancellationToken cancellationToken = default)
    {
        var before = control.Read(pool) ?? throw new HugePageAllocationException(pool, $"The hugepage pool '{pool.NrHugePagesPath}' does not exist on this host.");
        var where = pool.Node is { } n ? $"NUMA node {n}" : "the host";
        try
        {
            await control.SetAsync(pool, before + pool.Count, _timeout, cancellationToken).ConfigureAwait(false);
            var got = (control.Read(pool) ?? before) - before;
            if (got >= pool.Count)
            {
                return before;
            }

            await control.SetAsync(pool, before, _timeout, CancellationToken.None).ConfigureAwait(false);
            throw new HugePageAllocationException(pool, $"Only {got} of {pool.Count} {pool.PageKiB >> 10}M hugepages could be allocated on {where}: its free memory is too fragmented.") { Hint = Fallback };
        }
        catch (HostWriteException e)
        {
            await FreeQuietlyAsync(pool, before).ConfigureAwait(false);
            throw new HugePageAllocationException(pool, $"The hugepages for {where} could not be allocated.", e) { Hint = Fallback };
        }
    }

    /// <summary>Gives the pool its previous count back.</summary>
    public Task FreeAsync(HugePageAllocation pool, long before, CancellationToken cancellationToken = default) =>
        control.SetAsync(pool, before, _timeout, cancellationToken);

    private async Task FreeQuietlyAsync(HugePageAllocation pool, long before)
    {
        try
        {
            if (control.Read(pool) != before)
            {
                await control.SetAsync(pool, before, _timeout, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (HostWriteException)
        {
        }
    }
}
