using System.Globalization;
using Lodge.Core.Hardware;

namespace Lodge.Core.Machines;

/// <summary>Finds a PCI device by identity every time a plan is made, so a BIOS update that moves addresses does not break a guest.</summary>
/// <remarks>
/// A spec is <c>vendor:device</c>, <c>vendor:device:subvendor:subdevice</c>, either one followed by
/// <c>@address</c>, or a bare address such as <c>0000:01:00.0</c>. Identity narrows first (vendor:device,
/// then subsystem); the <c>@address</c> only breaks a tie between identical cards, and is ignored when
/// identity alone finds one device. A bare address is the last resort and is taken literally.
/// </remarks>
public static class DeviceMatcher
{
    /// <summary>Matches <paramref name="spec"/> against <paramref name="candidates"/>.</summary>
    public static DeviceMatch Find(string spec, IEnumerable<PciDevice> candidates)
    {
        var list = candidates.ToList();
        var at = spec.IndexOf('@', StringComparison.Ordinal);
        var identity = at < 0 ? spec : spec[..at];
        PciAddress? tieBreak = null;
        if (at >= 0)
        {
            if (!PciAddress.TryParse(spec[(at + 1)..], out var address))
            {
                return new DeviceMatch(spec, false, []);
            }

            tieBreak = address;
        }

        if (at < 0 && identity.Contains('.', StringComparison.Ordinal))
        {
            return PciAddress.TryParse(identity, out var address)
                ? new DeviceMatch(spec, true, [.. list.Where(d => d.Address == address)])
                : new DeviceMatch(spec, false, []);
        }

        var ids = identity.Split(':');
        if (ids.Length is not (2 or 4) || !ids.All(IsHex16))
        {
            return new DeviceMatch(spec, false, []);
        }

        var n = ids.Select(i => ushort.Parse(i, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        var matches = list.Where(d => d.VendorId == n[0] && d.DeviceId == n[1]).ToList();
        if (ids.Length == 4)
        {
            matches = [.. matches.Where(d => d.SubsystemVendorId == n[2] && d.SubsystemDeviceId == n[3])];
        }

        if (matches.Count > 1 && tieBreak is { } wanted)
        {
            matches = [.. matches.Where(d => d.Address == wanted)];
        }

        return new DeviceMatch(spec, true, matches);
    }

    /// <summary>The most specific spec that names <paramref name="device"/> on this host without ambiguity.</summary>
    public static string SpecFor(PciDevice device, IEnumerable<PciDevice> candidates)
    {
        var list = candidates.ToList();
        var basic = $"{device.VendorId:x4}:{device.DeviceId:x4}";
        if (device.VendorId is null || device.DeviceId is null)
        {
            return device.Address.ToString();
        }

        if (Find(basic, list).Matches.Count == 1)
        {
            return basic;
        }

        var full = $"{basic}:{device.SubsystemVendorId:x4}:{device.SubsystemDeviceId:x4}";
        if (device.SubsystemVendorId is not null && Find(full, list).Matches.Count == 1)
        {
            return full;
        }

        return $"{basic}@{device.Address}";
    }

    private static bool IsHex16(string text) => text.Length == 4 && text.All(char.IsAsciiHexDigit);
}
