namespace Lodge.Core.Runtime;

/// <summary>Everything needed to start one guest, computed purely from its plan: the exact QEMU argv, the helpers
/// to start before it, the files to prepare, and where to connect. The runtime (Lodge.Linux) only executes it.</summary>
/// <param name="Machine">The machine's name.</param>
/// <param name="QemuArgv">argv[0] is the QEMU binary; never joined into a shell string.</param>
/// <param name="Helpers">Started in order before QEMU, stopped in reverse after it.</param>
/// <param name="QmpSocket">The QMP unix socket QEMU listens on (under the runtime folder).</param>
/// <param name="SerialSocket">The serial console unix socket, when the guest has one.</param>
/// <param name="Disks">Host paths of the disks, checked for other holders before start.</param>
/// <param name="DisksToCreate">Disks to create with qemu-img when missing.</param>
/// <param name="Nvram">The NVRAM template to copy once into the guest's state folder.</param>
/// <param name="Mdev">A GVT-g mediated device the runtime creates before QEMU and removes after it.</param>
/// <param name="HugePages">Hugepages to allocate before QEMU starts and free after it stops; null when none.</param>
/// <param name="ConnectHints">Lines telling the user where to connect, e.g. "SPICE: spice://127.0.0.1:5900".</param>
/// <param name="Pinning">Where to pin vCPU and emulator threads after QEMU starts; null to leave them to the scheduler.
/// Added at the end because an argv cannot pin vCPU threads.</param>
public sealed record LaunchSpec(
    string Machine,
    RuntimeLayout Layout,
    IReadOnlyList<string> QemuArgv,
    IReadOnlyList<HelperSpec> Helpers,
    string QmpSocket,
    string? SerialSocket,
    IReadOnlyList<string> Disks,
    IReadOnlyList<DiskCreation> DisksToCreate,
    NvramCopy? Nvram,
    IReadOnlyList<string> ConnectHints,
    CpuPinning? Pinning = null,
    MdevSpec? Mdev = null,
    HugePageAllocation? HugePages = null)
{
    /// <summary>The folders the guest sees, typed; what <c>lodge status</c> shows.</summary>
    public IReadOnlyList<SharedFolder> Shares { get; init; } = [];

    /// <summary>The PCI functions of the machine's <c>[[usb]] controller</c> entries (with their IOMMU group companions),
    /// which the runtime gives to vfio-pci right before QEMU starts and back once it is gone.</summary>
    public IReadOnlyList<string> UsbControllers { get; init; } = [];

    /// <summary><c>host_keyboard = true</c> on a controller entry: the host's only keyboard may go with it.</summary>
    public bool HostKeyboardGiven { get; init; }
}
