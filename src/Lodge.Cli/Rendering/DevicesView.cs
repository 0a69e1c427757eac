using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Spectre.Console;

namespace Lodge.Cli.Rendering;

/// <summary>Renders <c>lodge devices</c> as a table grouped by IOMMU group.</summary>
public static class DevicesView
{
    /// <summary>Writes the table and a legend line.</summary>
    public static void Render(IAnsiConsole console, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        if (host.IommuEnabled != true)
        {
            var why = host.IommuEnabled == false ? "The IOMMU is off: the kernel shows no IOMMU groups, so every candidate's verdict is no-iommu." : "This tree holds no /sys/kernel, so IOMMU groups are unknown.";
            console.Write(new Text(why + " Run 'lodge doctor' for the fix.\n"));
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("Group").NoWrap());
        table.AddColumn(new TableColumn("Address").NoWrap());
        table.AddColumn(new TableColumn("Kind"));
        table.AddColumn(new TableColumn("Device"));
        table.AddColumn(new TableColumn("Driver").NoWrap());
        table.AddColumn(new TableColumn("Reset"));
        table.AddColumn(new TableColumn("Verdict").NoWrap());

        var byAddress = assessments.ToDictionary(a => a.Device.Address);
        var ordered = assessments
            .OrderBy(a => a.Device.IommuGroup ?? int.MaxValue)
            .ThenBy(a => a.Device.Address)
            .ToList();
        int? lastGroup = -1;
        foreach (var a in ordered)
        {
            var d = a.Device;
            var groupCell = d.IommuGroup == lastGroup ? string.Empty : d.IommuGroup?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            lastGroup = d.IommuGroup;
            var ids = $"[{d.VendorId?.ToString("x4") ?? "????"}:{d.DeviceId?.ToString("x4") ?? "????"}]";
            var name = d.DeviceName is null ? ids : $"{d.DisplayName} {ids}";
            var driver = !d.DriverKnown ? "?" : d.Driver ?? "-";
            var reset = d.ResetMethods is null ? "?" : d.ResetMethods.Count == 0 ? "none" : string.Join(' ', d.ResetMethods);
            table.AddRow(
                new Text(groupCell),
                new Text(d.Address.ToString()),
                new Text(a.Kind == DeviceKind.Other ? DeviceKinds.Describe(d.Class) : DeviceKinds.Name(a.Kind)),
                new Text(name),
                new Text(driver),
                new Text(reset),
                VerdictCell(a));
        }

        console.Write(table);
        var candidates = byAddress.Values.Count(a => a.Kind != DeviceKind.Other);
        var passable = byAddress.Values.Count(a => a.IsPassable);
        console.Write(new Text($"{assessments.Count} devices in {host.IommuGroups.Count} IOMMU groups; {passable} of {candidates} passthrough candidates can go to a guest. '?' means the tree does not say.\n"));
    }

    private static Text VerdictCell(DeviceAssessment a)
    {
        if (a.Verdict is not { } v)
        {
            return new Text(a.Kind == DeviceKind.Other ? string.Empty : "unknown");
        }

        var style = v switch
        {
            Verdict.Isolated => new Style(Color.Green),
            Verdict.WithCompanions => new Style(Color.Green),
            Verdict.Shared => new Style(Color.Red),
            _ => new Style(Color.Yellow),
        };
        return new Text(Verdicts.Name(v), style);
    }
}
