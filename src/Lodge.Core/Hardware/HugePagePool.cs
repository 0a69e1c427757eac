namespace Lodge.Core.Hardware;

/// <summary>A hugepage pool: <c>hugepages-&lt;size&gt;kB/{nr_hugepages,free_hugepages}</c>.</summary>
public sealed record HugePagePool(long PageSizeKiB, long? Total, long? Free);
