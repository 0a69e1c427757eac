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

        var byAddress = assessments.ToDictionary(a => a.Device.Address);
        var ordered = assessments
            .OrderBy(a => a.Device.IommuGroup ?? int.MaxValue)
            .ThenBy(a => a.Device.Address)
            .ToList();
        var rows = new List<string[]>();
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
            var kind = a.Kind == DeviceKind.Other ? DeviceKinds.Describe(d.Class) : DeviceKinds.Name(a.Kind);
            rows.Add([groupCell, d.Address.ToString(), kind, name, driver, reset, VerdictText(a)]);
        }

        string[] headers = ["Group", "Address", "Kind", "Device", "Driver", "Reset", "Verdict"];
        bool[] noWrap = [true, true, false, false, true, false, true];
        if (console.Profile.Width >= MinimumTableWidth(headers, rows, noWrap))
        {
            var table = new Table().Border(TableBorder.Simple);
            for (var i = 0; i < headers.Length; i++)
            {
                var column = new TableColumn(headers[i]);
                table.AddColumn(noWrap[i] ? column.NoWrap() : column);
            }

            foreach (var (row, a) in rows.Zip(ordered))
            {
                table.AddRow([.. row[..^1].Select(c => new Text(c)), VerdictCell(a)]);
            }

            console.Write(table);
        }
        else
        {
            // Too narrow for the table without splitting an address or an id: one line per device, wrapped only between words.
            foreach (var (row, a) in rows.Zip(ordered))
            {
                if (row[0].Length > 0)
                {
                    console.Write(new Text($"group {row[0]}\n", new Style(decoration: Decoration.Bold)));
                }

                var line = new Paragraph($"  {row[1]} {row[2]}; {row[3]}; driver {row[4]}; reset {row[5]}{(row[6].Length > 0 ? "; " : "")}");
                line.Append(row[6], VerdictStyle(a));
                line.Append("\n");
                console.Write(line);
            }
        }

        var candidates = byAddress.Values.Count(a => a.Kind != DeviceKind.Other);
        var passable = byAddress.Values.Count(a => a.IsPassable);
        console.Write(new Text($"{assessments.Count} devices in {host.IommuGroups.Count} IOMMU groups; {passable} of {candidates} passthrough candidates can go to a guest. '?' means the tree does not say.\n"));
    }

    // The narrowest table in which no column has to split a word: the longest cell of each no-wrap column, the longest word
    // of the others, and the Simple border's padding (one space either side of each column).
    private static int MinimumTableWidth(string[] headers, List<string[]> rows, bool[] noWrap)
    {
        var width = 0;
        for (var i = 0; i < headers.Length; i++)
        {
            var cells = rows.Select(r => r[i]).Append(headers[i]);
            width += (noWrap[i] ? cells.Max(c => c.Length) : cells.SelectMany(c => c.Split(' ')).Max(w => w.Length)) + 2;
        }

        return width + 2;
    }

    private static string VerdictText(DeviceAssessment a) =>
        a.Verdict is { } v ? Verdicts.Name(v) : a.Kind == DeviceKind.Other ? string.Empty : "unknown";

    private static Text VerdictCell(DeviceAssessment a) => new(VerdictText(a), VerdictStyle(a));

    private static Style VerdictStyle(DeviceAssessment a) => a.Verdict switch
    {
        null => Style.Plain,
        Verdict.Isolated or Verdict.WithCompanions => new Style(Color.Green),
        Verdict.Shared => new Style(Color.Red),
        _ => new Style(Color.Yellow),
    };
}
