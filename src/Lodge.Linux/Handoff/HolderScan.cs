using Lodge.Core.Handoff;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Handoff;

/// <summary>Finds the processes that hold device nodes of <paramref name="devices"/> (<c>/dev/dri/*</c>, <c>/dev/nvidia*</c>, <c>/dev/snd/*</c>).</summary>
public delegate Task<IReadOnlyList<DeviceHolder>> HolderScan(IReadOnlyList<PciAddress> devices, CancellationToken cancellationToken);
