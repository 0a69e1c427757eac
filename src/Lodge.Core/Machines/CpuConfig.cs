namespace Lodge.Core.Machines;

/// <summary><c>[cpu]</c>: guest topology and host pinning.</summary>
/// <param name="Cores">Guest cores; null lets the plan choose.</param>
/// <param name="Threads">SMT threads per guest core.</param>
/// <param name="Pin"><c>auto</c>, <c>none</c>, or a host CPU list such as <c>4-11,16-23</c>.</param>
/// <param name="Isolate">While the guest runs, limit system.slice, user.slice and init.scope to the CPUs the vCPUs do not use.</param>
public sealed record CpuConfig(int? Cores = null, int Threads = 2, string Pin = "auto", bool Isolate = false);
