namespace Lodge.Core.Hardware;

/// <summary>The CPU model and virtualization flags from <c>/proc/cpuinfo</c>.</summary>
public sealed record CpuInfo
{
    /// <summary><c>GenuineIntel</c>, <c>AuthenticAMD</c>, or null when unknown.</summary>
    public string? VendorId { get; init; }

    public string? ModelName { get; init; }

    /// <summary>Whether the flags list vmx (Intel VT-x); null when the flags are unknown.</summary>
    public bool? HasVmx { get; init; }

    /// <summary>Whether the flags list svm (AMD-V); null when the flags are unknown.</summary>
    public bool? HasSvm { get; init; }

    /// <summary>Whether the CPU is running as a guest (the hypervisor flag).</summary>
    public bool? IsHypervisorGuest { get; init; }

    /// <summary>Whether the flags list topoext (AMD's extended topology leaves, which let a guest see SMT); null when the flags are unknown.</summary>
    public bool? HasTopoext { get; init; }

    /// <summary>"siblings" from /proc/cpuinfo: logical CPUs per package; null when absent (non-x86) or malformed.</summary>
    public int? SiblingsPerPackage { get; init; }

    /// <summary>"cpu cores" from /proc/cpuinfo: cores per package; null when absent or malformed.</summary>
    public int? CoresPerPackage { get; init; }

    public bool IsIntel => VendorId == "GenuineIntel";

    public bool IsAmd => VendorId == "AuthenticAMD";

    /// <summary>True when vmx or svm is present, false when the flags are known and lack both, null otherwise.</summary>
    public bool? HasVirtualization => HasVmx is null && HasSvm is null ? null : (HasVmx == true || HasSvm == true);
}
