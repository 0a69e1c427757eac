using Lodge.Core;
using Lodge.Core.Runtime;

namespace Lodge.Linux.HugePages;

/// <summary>A guest's hugepages could not be allocated at start; the pool has its previous count again.</summary>
public sealed class HugePageAllocationException(HugePageAllocation pool, string message, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    /// <summary>The pool that was asked.</summary>
    public HugePageAllocation Pool { get; } = pool;
}
