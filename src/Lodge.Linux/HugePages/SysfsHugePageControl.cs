using System.Globalization;
using Lodge.Core.Runtime;
using Lodge.Linux.Host;

namespace Lodge.Linux.HugePages;

/// <summary>Writes <c>nr_hugepages</c> under the host root, compacting memory first so that more huge pages can form.</summary>
public sealed class SysfsHugePageControl(HostRoot root) : IHugePageControl
{
    /// <inheritdoc/>
    public long? Read(HugePageAllocation pool) =>
        long.TryParse(root.ReadAttribute(pool.NrHugePagesPath), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <inheritdoc/>
    public Task SetAsync(HugePageAllocation pool, long count, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            try
            {
                if (count > (Read(pool) ?? 0))
                {
                    // HOST EFFECT: compacts free memory (no state to undo); without it fewer 2M pages can form.
                    File.WriteAllText(root.ToReal("/proc/sys/vm/compact_memory"), "1\n");
                }

                // HOST EFFECT: grows or shrinks the pool; HugePageAllocator writes the previous count back at stop.
                File.WriteAllText(root.ToReal(pool.NrHugePagesPath), count.ToString(CultureInfo.InvariantCulture) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HostWriteException(HostAction.SetHugePages, pool.NrHugePagesPath, $"Could not write '{pool.NrHugePagesPath}': {e.Message}", e);
            }
        }, cancellationToken).WaitAsync(timeout, cancellationToken);
}
