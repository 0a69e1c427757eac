namespace Lodge.Core.Hardware;

/// <summary>Hybrid core kind from <c>/sys/devices/cpu_core/cpus</c> and <c>/sys/devices/cpu_atom/cpus</c>.</summary>
public enum CpuCoreType
{
    Performance,
    Efficiency,
}
