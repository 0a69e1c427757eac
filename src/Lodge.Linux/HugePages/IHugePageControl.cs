using Lodge.Core.Runtime;

namespace Lodge.Linux.HugePages;

/// <summary>Reads and sets one hugepage pool's <c>nr_hugepages</c> (Documentation/admin-guide/mm/hugetlbpage.rst).</summary>
public interface IHugePageControl
{
    /// <summary>The pool's page count now; null when the pool does not exist or cannot be read.</summary>
    long? Read(HugePageAllocation pool);

    /// <summary>Asks the kernel for <paramref name="count"/> pages in the pool (it may give fewer when memory is fragmented).</summary>
    Task SetAsync(HugePageAllocation pool, long count, TimeSpan timeout, CancellationToken cancellationToken = default);
}
