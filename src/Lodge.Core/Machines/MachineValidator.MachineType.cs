using Lodge.Core.Hardware;

namespace Lodge.Core.Machines;

/// <summary>The pinned machine type against the installed QEMU.</summary>
public static partial class MachineValidator
{
    private static void CheckMachineType(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        if (machine.MachineType is not { } pinned)
        {
            return;
        }

        if (!pinned.StartsWith("pc-q35-", StringComparison.Ordinal) && pinned != "q35")
        {
            problems.Add(Error(machine, "machine", "machine-not-q35", $"The machine type '{pinned}' is not a q35 type, and Lodge builds every guest on q35 (PCIe root ports, ICH9).", "Write machine = \"pc-q35-X.Y\" with a version 'qemu-system-x86_64 -machine help' lists, or remove the key."));
            return;
        }

        var caps = host.Tools.QemuCaps;
        if (caps is null || caps.HasMachineType(pinned))
        {
            return;
        }

        var newest = caps.NewestQ35 ?? "q35";
        problems.Add(Error(machine, "machine", "machine-type-gone", $"The installed QEMU no longer offers the machine type '{pinned}', so the guest cannot start with the hardware it was installed on.", $"Install a QEMU that still offers '{pinned}' to keep the guest's hardware as it is; or set machine = \"{newest}\", the newest this QEMU offers, and expect Windows to see new hardware (and perhaps ask to be activated again)."));
    }
}
