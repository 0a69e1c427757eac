using System.Globalization;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>What QEMU would refuse later, caught by <c>lodge check</c>: memory beyond the host, absurd disk sizes,
/// duplicate or absent USB devices.</summary>
/// <remarks>
/// Limits where issue 10 left the number to us: a disk larger than 64 TiB is an error (qcow2 with its default 64 KiB
/// clusters tops out near there in practice, and no desktop guest needs more; QEMU accepts the number and then fails
/// when the image fills). Memory above the host's available memory is a warning (the host may free caches), above
/// its total an error (QEMU would be killed by the OOM killer or, with VFIO, fail to pin).
/// </remarks>
public static partial class MachineValidator
{
    /// <summary>The largest disk size <c>check</c> accepts.</summary>
    public const long MaxDiskBytes = 64L << 40;

    private static void CheckMemory(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        var want = machine.Memory.SizeBytes;
        if (host.Memory.TotalKiB is { } totalKiB && want > totalKiB * 1024)
        {
            problems.Add(Error(machine, "memory.size", "memory-over-host", $"The guest asks for {Gib(want)} of memory, and this host has {Gib(totalKiB * 1024)} in total.", $"Set size under [memory] to at most {Gib(totalKiB * 1024)}, leaving some for the host."));
        }
        else if (host.Memory.AvailableKiB is { } availableKiB && want > availableKiB * 1024)
        {
            problems.Add(new Problem(Severity.Warning, "memory-over-available", $"The guest asks for {Gib(want)} of memory, and this host has {Gib(availableKiB * 1024)} available now.", "Close programs on the host first, or set a smaller size under [memory].", machine.LocationOf("memory.size")));
        }
    }

    private static void CheckDiskSizes(MachineConfig machine, List<Problem> problems)
    {
        for (var i = 0; i < machine.Disks.Count; i++)
        {
            if (machine.Disks[i].SizeBytes is { } size && size > MaxDiskBytes)
            {
                problems.Add(Error(machine, $"disk[{i}].size", "disk-size-absurd", $"The disk size {Gib(size)} is more than {Gib(MaxDiskBytes)}, which no guest disk needs.", "Write a size such as \"128G\" or \"2T\"."));
            }
        }
    }

    private static void CheckUsbDuplicatesAndPresence(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var present = host.UsbControllers.SelectMany(c => c.Buses).SelectMany(b => b.Devices).ToList();
        for (var i = 0; i < machine.Usb.Count; i++)
        {
            var usb = machine.Usb[i];
            var key = usb.Device is { } d ? "device " + d : usb.Controller is { } c ? "controller " + c : null;
            if (key is null)
            {
                continue;
            }

            var at = usb.Device is not null ? $"usb[{i}].device" : $"usb[{i}].controller";
            if (seen.TryGetValue(key, out var first))
            {
                problems.Add(Error(machine, at, "usb-duplicate", $"This [[usb]] entry repeats entry {first + 1} ('{(usb.Device ?? usb.Controller)}'), and QEMU cannot give one device to a guest twice.", "Remove one of the two entries."));
                continue;
            }

            seen[key] = i;
            if (usb.Device is { } device && present.Count > 0 && IsUsbDeviceSpec(device) && !present.Any(p => UsbMatches(device, p)))
            {
                problems.Add(new Problem(Severity.Warning, "usb-absent", $"No USB device '{device}' is plugged into this host now.", "Plug it in before 'lodge up' (or attach it later with 'lodge usb attach'); 'lsusb' shows what is present.", machine.LocationOf(at)));
            }
        }
    }

    private static bool UsbMatches(string spec, UsbDevice device)
    {
        if (spec.StartsWith("port:", StringComparison.Ordinal))
        {
            return device.PortPath == spec[5..];
        }

        return ushort.TryParse(spec[..4], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var vendor)
            && ushort.TryParse(spec[5..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var product)
            && device.VendorId == vendor && device.ProductId == product;
    }

    private static string Gib(long bytes) =>
        bytes % (1L << 30) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30} GiB") : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB");
}
