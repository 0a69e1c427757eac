using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Reports;

/// <summary>Builds the outcome report of an attempt from the host snapshot, the machine and what happened.</summary>
public static class ReportFactory
{
    /// <summary>A local report. <paramref name="gpu"/> is the GPU the guest got (null for none); <paramref name="resolved"/>
    /// holds what the plan decided where the config said "auto" (e.g. share-protocol → virtiofs), overriding the config's words.</summary>
    public static OutcomeReport Create(
        HostSnapshot host,
        MachineConfig machine,
        PciDevice? gpu,
        ReportResult result,
        DateTimeOffset at,
        IReadOnlyDictionary<string, string>? resolved = null)
    {
        var features = Features(machine, gpu);
        foreach (var (k, v) in resolved ?? new Dictionary<string, string>())
        {
            features[k] = v;
        }

        var usb = host.PciDevices
            .Where(d => DeviceKinds.Of(d.Class) == DeviceKind.Usb && d.VendorId is not null && d.DeviceId is not null)
            .Select(d => $"{d.VendorId:x4}:{d.DeviceId:x4}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        var hardware = new ReportHardware(
            host.Cpu.ModelName,
            host.Dmi.BoardVendor,
            host.Dmi.BoardName,
            host.Dmi.BiosVersion,
            gpu is null ? null : GpuId(gpu),
            gpu?.DeviceName,
            gpu?.VbiosVersion,
            usb);
        return new OutcomeReport(0, "local", machine.Name, at, hardware, new ReportVersions(host.Kernel.Release, host.Tools.Qemu?.Version), new ReportGuest(OsName(machine.Os), features), result, null);
    }

    /// <summary>vendor:device[:subvendor:subdevice], lower case.</summary>
    public static string GpuId(PciDevice gpu) =>
        gpu.SubsystemVendorId is { } sv && gpu.SubsystemDeviceId is { } sd
            ? $"{gpu.VendorId:x4}:{gpu.DeviceId:x4}:{sv:x4}:{sd:x4}"
            : $"{gpu.VendorId:x4}:{gpu.DeviceId:x4}";

    private static Dictionary<string, string> Features(MachineConfig m, PciDevice? gpu)
    {
        var f = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["gpu-mode"] = m.Gpu is null ? "none" : m.Gpu.Mode.Word(),
            ["hugepages"] = m.Memory.HugePages,
            ["pinning"] = m.Cpu.Pin is "auto" or "none" ? m.Cpu.Pin : "explicit",
            ["audio-backend"] = m.Audio.Backend,
            ["input-mode"] = m.Input.Evdev == "none" ? "none" : "evdev",
            ["share-protocol"] = m.Shares.Count == 0 ? "none" : string.Join('+', m.Shares.Select(s => s.Protocol).Distinct()),
        };
        if (m.Gpu is not null)
        {
            f["rom"] = m.Gpu.Rom is "auto" or "none" ? m.Gpu.Rom : "file";
        }

        if (gpu?.ResetMethods is { Count: > 0 } methods)
        {
            f["reset-method"] = methods[0];
        }

        return f;
    }

    private static string OsName(GuestOs os) => os switch
    {
        GuestOs.Windows11 => "windows11",
        GuestOs.Windows10 => "windows10",
        GuestOs.MacOs => "macos",
        GuestOs.Linux => "linux",
        _ => "other",
    };
}
