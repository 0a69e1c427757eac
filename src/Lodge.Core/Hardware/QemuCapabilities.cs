namespace Lodge.Core.Hardware;

/// <summary>What the installed QEMU offers, as it answered <c>-machine help</c> and <c>-device max-x86_64-cpu,help</c>.</summary>
/// <param name="MachineTypes">Every machine type name and alias (<c>pc-q35-7.2</c>, <c>q35</c>, ...).</param>
/// <param name="CpuProperties">The x86 CPU's properties (<c>hv-tlbflush</c>, <c>hv-ipi</c>, <c>invtsc</c>, ...).</param>
public sealed record QemuCapabilities(IReadOnlyList<string> MachineTypes, IReadOnlyList<string> CpuProperties)
{
    /// <summary>The newest versioned q35 machine type (<c>pc-q35-7.2</c>), or null when QEMU lists none.</summary>
    public string? NewestQ35 => MachineTypes
        .Where(t => t.StartsWith("pc-q35-", StringComparison.Ordinal) && Version.TryParse(t["pc-q35-".Length..], out _))
        .OrderByDescending(t => Version.Parse(t["pc-q35-".Length..]))
        .FirstOrDefault();

    /// <summary>True when QEMU offers machine type <paramref name="name"/>.</summary>
    public bool HasMachineType(string name) => MachineTypes.Contains(name, StringComparer.Ordinal);

    /// <summary>True when the x86 CPU has property <paramref name="name"/>.</summary>
    public bool HasCpuProperty(string name) => CpuProperties.Contains(name, StringComparer.Ordinal);
}
