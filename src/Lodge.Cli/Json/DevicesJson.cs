using System.Text.Json;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Cli.Json;

/// <summary>The <c>lodge devices --json</c> document.</summary>
/// <remarks>
/// Shape (a contract): <c>{"iommu": {"enabled": bool}, "devices": [{"address", "vendorId", "deviceId", "class",
/// "driver", "iommuGroup", "bootVga", "kind", "verdict", "companions", "blockers", ...}], "groups": [{"id", "devices"}]}</c>.
/// driver, iommuGroup, bootVga and verdict are null when unknown or when they do not apply. Extra fields follow.
/// </remarks>
public static class DevicesJson
{
    /// <summary>Renders the document.</summary>
    public static string Write(HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments) => JsonOutput.Build(w => Write(w, host, assessments));

    /// <summary>Writes the document to <paramref name="output"/> (straight to the stream on standard output).</summary>
    public static void WriteTo(TextWriter output, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments) =>
        JsonOutput.WriteTo(output, w => Write(w, host, assessments));

    private static void Write(Utf8JsonWriter w, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        w.WriteStartObject();
        w.WriteStartObject("iommu");
        w.BoolOrNull("enabled", host.IommuEnabled);
        w.WriteNumber("groupCount", host.IommuGroups.Count);
        w.WriteEndObject();

        w.WriteStartArray("devices");
        foreach (var a in assessments)
        {
            WriteDevice(w, a);
            if (w.BytesPending > 32 * 1024)
            {
                w.Flush(); // on standard output: the document leaves in pieces instead of growing whole in memory
            }
        }

        w.WriteEndArray();

        w.WriteStartArray("groups");
        foreach (var g in host.IommuGroups)
        {
            w.WriteStartObject();
            w.WriteNumber("id", g.Id);
            w.Addresses("devices", g.Devices);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteDevice(Utf8JsonWriter w, DeviceAssessment a)
    {
        var d = a.Device;
        w.WriteStartObject();
        w.Formatted<PciAddress>("address", d.Address);
        w.Formatted("vendorId", d.VendorId, "x4");
        w.Formatted("deviceId", d.DeviceId, "x4");
        w.Formatted("class", d.Class);
        w.StringOrNull("driver", d.Driver);
        w.NumberOrNull("iommuGroup", d.IommuGroup);
        w.BoolOrNull("bootVga", d.BootVga);
        w.WriteString("kind", DeviceKinds.Name(a.Kind));
        w.StringOrNull("verdict", a.Verdict is { } v ? Verdicts.Name(v) : null);
        w.Addresses("companions", a.Companions);
        w.Addresses("blockers", a.Blockers);

        w.Formatted("subsystemVendorId", d.SubsystemVendorId, "x4");
        w.Formatted("subsystemDeviceId", d.SubsystemDeviceId, "x4");
        w.Formatted("revision", d.Revision, "x2");
        w.StringOrNull("vendorName", d.VendorName);
        w.StringOrNull("deviceName", d.DeviceName);
        w.WriteBoolean("driverKnown", d.DriverKnown);
        w.StringOrNull("driverOverride", d.DriverOverride);
        if (d.ResetMethods is { } methods)
        {
            w.Strings("resetMethods", methods);
        }
        else
        {
            w.WriteNull("resetMethods");
        }

        w.Addresses("parentBridges", d.ParentBridges);
        w.NumberOrNull("numaNode", d.NumaNode);
        w.BoolOrNull("hasRom", d.HasRom);
        w.NumberOrNull("sriovTotalVfs", d.SriovTotalVfs);
        w.Strings("mdevTypes", d.MdevTypes.Select(t => t.Id));
        WriteAcs(w, d.Config);
        w.WriteStartArray("findings");
        foreach (var f in a.Findings)
        {
            w.WriteStartObject();
            w.WriteString("severity", SeverityName(f.Severity));
            w.WriteString("code", f.Code);
            w.WriteString("message", f.Message);
            w.StringOrNull("fix", f.Fix);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    // The enum's name in lower case, as written before (Severity.ToString().ToLowerInvariant()), without two strings per finding.
    private static string SeverityName(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.Error => "error",
        _ => severity.ToString().ToLowerInvariant(),
    };

    private static void WriteAcs(Utf8JsonWriter w, PciConfigInfo? config)
    {
        if (config is null || !config.ExtendedSpaceReadable)
        {
            w.WriteNull("acs");
            return;
        }

        w.WriteStartObject("acs");
        w.WriteBoolean("present", config.Acs is not null);
        w.StringOrNull("capabilities", config.Acs is { } c ? $"0x{c.Capabilities:x4}" : null);
        w.StringOrNull("control", config.Acs is { } c2 ? $"0x{c2.Control:x4}" : null);
        w.WriteEndObject();
    }
}
