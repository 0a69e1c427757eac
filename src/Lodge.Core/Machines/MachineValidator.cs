using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>Checks a parsed machine against the host and the other machines; returns every problem, never throws.</summary>
/// <remarks>
/// Rules where issue 3 left the choice to us:
/// <list type="bullet">
/// <item>macOS has no NVIDIA driver after Kepler. NVIDIA device ids from 0x1340 (GM108, the first Maxwell) up are
/// Maxwell or newer; Kepler parts sit at 0x0fc0 to 0x12ff. So an NVIDIA GPU with a device id of 0x1340 or more is
/// refused for macOS.</item>
/// <item>Lodge always turns SMM on for <c>uefi-secure</c>, so "Secure Boot without SMM" can only come from
/// <c>qemu_args</c> that say <c>smm=off</c>; that is an error.</item>
/// <item>Hugepages of an explicit size must already be reserved (<c>nr_hugepages</c>) for the whole guest RAM;
/// <c>auto</c> is never an error here (the plan falls back to normal pages).</item>
/// <item>Relative disk paths live in each machine's own state folder, so only absolute paths can clash; ISOs
/// (<c>cdrom</c>) are read-only and may be shared.</item>
/// </list>
/// </remarks>
public static partial class MachineValidator
{
    // Kepler ends at GK208B (0x12xx); GM108 (0x134x) is the first Maxwell id. See the remarks above.
    private const ushort FirstNvidiaMaxwellId = 0x1340;
    private const ushort NvidiaVendorId = 0x10de;

    /// <summary>Every problem with <paramref name="machine"/> on <paramref name="host"/>; <paramref name="machines"/> is every defined machine (it may include this one).</summary>
    /// <param name="machine">The machine.</param>
    /// <param name="host">The host as it is now (its input devices included, for the keyboards behind passed controllers).</param>
    /// <param name="assessments">The verdict of every host device.</param>
    /// <param name="machines">Every defined machine.</param>
    /// <param name="controllerDisks">The disks behind the machine's passed controllers that the host uses (the shell finds them; none when not given).</param>
    public static IReadOnlyList<Problem> Validate(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, IReadOnlyList<MachineConfig> machines, IReadOnlyList<Handoff.ControllerDiskUse>? controllerDisks = null)
    {
        var problems = new List<Problem>();
        CheckFirmware(machine, problems);
        CheckMachineType(machine, host, problems);
        CheckMacOs(machine, problems);
        CheckHugePages(machine, host, problems);
        CheckCpu(machine, host, problems);
        CheckDisks(machine, machines, problems);
        CheckGpu(machine, host, assessments, problems);
        CheckUsb(machine, host, assessments, controllerDisks ?? [], problems);
        CheckInput(machine, host, problems);
        CheckMemory(machine, host, problems);
        CheckDiskSizes(machine, problems);
        CheckUsbDuplicatesAndPresence(machine, host, problems);
        return problems;
    }

    private static void CheckFirmware(MachineConfig machine, List<Problem> problems)
    {
        if (machine.Os == GuestOs.Windows11 && !machine.Firmware.Tpm)
        {
            problems.Add(Error(machine, "firmware.tpm", "win11-no-tpm", "Windows 11 needs a TPM 2.0, and this machine has none.", "Set tpm = true under [firmware]."));
        }

        if (machine.Os == GuestOs.Windows11 && machine.Firmware.Type != FirmwareType.UefiSecure)
        {
            problems.Add(Error(machine, "firmware.type", "win11-no-secure-boot", "Windows 11 needs Secure Boot, and this machine's firmware is not 'uefi-secure'.", "Set type = \"uefi-secure\" under [firmware]."));
        }

        if (machine.Firmware.Type == FirmwareType.UefiSecure && machine.QemuArgs.Any(a => a.Contains("smm=off", StringComparison.Ordinal)))
        {
            problems.Add(Error(machine, "qemu_args", "secure-boot-no-smm", "Secure Boot firmware needs SMM, and qemu_args turns it off with 'smm=off'.", "Remove 'smm=off' from qemu_args; Lodge turns SMM on for uefi-secure."));
        }
    }

    private static void CheckMacOs(MachineConfig machine, List<Problem> problems)
    {
        if (machine.Os != GuestOs.MacOs)
        {
            return;
        }

        if (machine.MacOs.OpenCore is null)
        {
            problems.Add(Error(machine, "macos", "macos-no-opencore", "A macOS guest boots through OpenCore, and this machine names no OpenCore disk.", "Add opencore = \"/path/to/OpenCore.qcow2\" under [macos]."));
        }

        if (machine.MacOs.Osk is null)
        {
            problems.Add(new Problem(Severity.Warning, "macos-no-osk", "This machine names no Apple SMC key, so QEMU gets a placeholder that macOS refuses to boot with.", "Add osk = \"...\" under [macos] with the 64-character key read from a real Mac; Lodge never ships it.", machine.LocationOf("macos")));
        }

        for (var i = 0; i < machine.Shares.Count; i++)
        {
            if (machine.Shares[i].Protocol == "virtiofs")
            {
                problems.Add(Error(machine, $"share[{i}].protocol", "macos-virtiofs", "macOS has no virtiofs driver, so this share cannot use it.", "Set protocol = \"smb\" or \"9p\", or \"auto\" to let Lodge choose SMB."));
            }
        }
    }

    private static void CheckHugePages(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        if (machine.Memory.HugePageKiB is not { } pageKiB)
        {
            return;
        }

        var pageBytes = pageKiB * 1024;
        var needed = (machine.Memory.SizeBytes + pageBytes - 1) / pageBytes;
        var reserved = host.Memory.HugePages.FirstOrDefault(p => p.PageSizeKiB == pageKiB)?.Total ?? 0;
        if (reserved >= needed)
        {
            return;
        }

        var size = machine.Memory.HugePages;
        var fix = pageKiB == 2048
            ? $"Reserve them with 'sysctl vm.nr_hugepages={needed}' (put vm.nr_hugepages = {needed} in /etc/sysctl.d/ to keep it), or set hugepages = \"auto\"."
            : $"Add 'default_hugepagesz=1G hugepagesz=1G hugepages={needed}' to the kernel command line and reboot, or set hugepages = \"auto\".";
        problems.Add(Error(machine, "memory.hugepages", "hugepages-not-reserved", $"The guest needs {needed} hugepages of {size}, and the host has {reserved} reserved.", fix));
    }

    private static void CheckCpu(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        var online = host.Topology.Cpus.Select(c => c.Id).ToHashSet();
        if (online.Count == 0)
        {
            return;
        }

        var vcpus = (machine.Cpu.Cores ?? 2) * machine.Cpu.Threads;
        if (vcpus > online.Count)
        {
            problems.Add(new Problem(Severity.Warning, "vcpus-over-host", $"The guest has {vcpus} vCPUs and the host only {online.Count} CPUs, so they will contend with each other and with the host.", $"Set cores and threads under [cpu] so that cores × threads is at most {online.Count}.", machine.LocationOf("cpu.cores")));
        }

        if (machine.Cpu.Pin is not ("auto" or "none") && CpuList.TryParse(machine.Cpu.Pin, out var pins) && pins.Where(p => !online.Contains(p)).ToList() is { Count: > 0 } missing)
        {
            problems.Add(Error(machine, "cpu.pin", "pin-cpu-missing", $"The pin list names CPUs {string.Join(", ", missing)}, which this host does not have online (it has {online.Count}).", "List only online host CPUs ('lodge doctor' shows the topology), or set pin = \"auto\"."));
        }
    }

    private static void CheckDisks(MachineConfig machine, IReadOnlyList<MachineConfig> machines, List<Problem> problems)
    {
        for (var i = 0; i < machine.Disks.Count; i++)
        {
            if (machine.Disks[i].Path is not { } path || !path.StartsWith('/'))
            {
                continue;
            }

            var mine = path.TrimEnd('/');
            foreach (var other in machines)
            {
                if (other.Name == machine.Name)
                {
                    continue;
                }

                if (other.Disks.Any(d => d.Path is { } p && p.TrimEnd('/') == mine))
                {
                    problems.Add(Error(machine, $"disk[{i}].path", "disk-in-use", $"The disk '{path}' is also used by the machine '{other.Name}' ({other.File}).", "Give each machine its own disk image, or remove it from one of them."));
                }
            }
        }
    }

    private static Problem Error(MachineConfig machine, string path, string code, string message, string fix) =>
        new(Severity.Error, code, message, fix, machine.LocationOf(path));
}
