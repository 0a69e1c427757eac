using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Runtime;

namespace Lodge.Core.Planning;

/// <summary>A machine resolved against one host: every concrete choice the QEMU argv, the libvirt XML and the runtime need.</summary>
/// <remarks>Made by <see cref="MachinePlanner.Plan"/>; <see cref="Decisions"/> says why, one sentence per choice.</remarks>
public sealed record MachinePlan
{
    public required MachineConfig Machine { get; init; }

    public required RuntimeLayout Layout { get; init; }

    /// <summary>What was chosen and why, in the order <c>lodge plan</c> prints them.</summary>
    public required IReadOnlyList<PlanDecision> Decisions { get; init; }

    /// <summary>What the user should know that is not a decision: something left out, with why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The QEMU machine type: the pinned <c>pc-q35-X.Y</c>, or the <c>q35</c> alias.</summary>
    public string MachineType { get; init; } = "q35";

    /// <summary>The SMBIOS UUID of the guest, stored in its state folder by the shell; null when none is known.</summary>
    public string? Uuid { get; init; }

    public required CpuPlan Cpu { get; init; }

    public required MemoryPlan Memory { get; init; }

    public required FirmwarePlan Firmware { get; init; }

    /// <summary>The swtpm state folder, or null when the guest has no TPM.</summary>
    public string? TpmStateDir { get; init; }

    public required IReadOnlyList<DiskPlan> Disks { get; init; }

    public required NetworkPlan Network { get; init; }

    public required DisplayPlan Display { get; init; }

    public required GpuPlan Gpu { get; init; }

    /// <summary>Whole USB controllers passed through with vfio-pci.</summary>
    public required IReadOnlyList<PciAddress> UsbControllers { get; init; }

    public required IReadOnlyList<UsbPlan> Usb { get; init; }

    public required InputPlan Input { get; init; }

    public required AudioPlan Audio { get; init; }

    public required IReadOnlyList<SharePlan> Shares { get; init; }

    /// <summary>A virtio balloon; never with VFIO, whose pinned RAM a balloon cannot take back.</summary>
    public bool Balloon { get; init; }

    /// <summary>The QEMU binary (host view) and its version, when known.</summary>
    public required string QemuBinary { get; init; }

    public string? QemuVersion { get; init; }

    /// <summary>The virtiofsd binary and its flavour (rust or c), when the host has one.</summary>
    public ToolInfo? Virtiofsd { get; init; }

    public string SwtpmBinary { get; init; } = "swtpm";

    public string SmbdBinary { get; init; } = "smbd";

    /// <summary>True when any PCI device goes to the guest through VFIO.</summary>
    public bool HasVfio => Gpu.IsPassthrough || Gpu.Mdev is not null || UsbControllers.Count > 0;
}
