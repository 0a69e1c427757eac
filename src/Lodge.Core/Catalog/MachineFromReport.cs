using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary><c>lodge new NAME --like REPORT-ID</c>: a machine written from a report that worked, mapped onto this
/// host: the reported GPU becomes this host's device of the same model, and the reported mode, ROM, huge pages,
/// pinning, audio and input choices are kept where this host allows them. The rest is the host-aware template.</summary>
public static class MachineFromReport
{
    private static readonly string[] Modes = ["dedicated", "handoff", "gvt-g", "virtio", "none"];
    private static readonly string[] HugePages = ["auto", "off", "2M", "1G"];
    private static readonly string[] Backends = ["auto", "pipewire", "pulseaudio", "jack", "none"];

    /// <summary>The machine file's text.</summary>
    public static string Write(OutcomeReport report, string reportId, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(host);
        var os = Array.IndexOf(MachineParser.OsNames, report.Guest.Os) is >= 0 and var i ? (GuestOs)i : GuestOs.Other;
        var f = report.Guest.Features;
        string? Feature(string key) => f.TryGetValue(key, out var v) ? v : null;
        var reportedMode = Feature("gpu-mode") is { } m && Modes.Contains(m) ? m : null;

        // The same GPU model on this host, if it has exactly one.
        PciDevice? same = null;
        if (report.Hardware.Gpu is { Length: >= 9 } gpuId && reportedMode is not ("none" or "virtio"))
        {
            same = DeviceMatcher.Find(gpuId[..9], host.PciDevices).Matches is [var only] ? only : null;
        }

        var gpuSpec = reportedMode is "none" or "virtio" ? "none" : same is not null ? DeviceMatcher.SpecFor(same, host.PciDevices) : "auto";
        var lines = MachineTemplate.Write(os, gpuSpec, host, assessments).TrimEnd('\n').Split('\n').ToList();

        if (same is not null && reportedMode is "dedicated" or "handoff")
        {
            // The host's boot GPU can only be lent (handoff), whatever the reporter did on their host.
            var mode = same.BootVga == true ? "handoff" : reportedMode;
            Set(lines, "gpu", "mode", $"\"{mode}\"", mode == reportedMode ? "as in the report" : $"the report used {reportedMode}; this host boots on this GPU, so it is lent");
        }

        switch (Feature("rom"))
        {
            case "none":
                Set(lines, "gpu", "rom", "\"none\"", "as in the report");
                break;
            case "file":
                Set(lines, "gpu", "rom", "\"auto\"", "the report used a ROM file: dump or download your card's and set its path here");
                break;
        }

        if (Feature("hugepages") is { } hp && HugePages.Contains(hp))
        {
            Set(lines, "memory", "hugepages", $"\"{hp}\"", "as in the report");
        }

        if (Feature("pinning") is "none")
        {
            Set(lines, "cpu", "pin", "\"none\"", "as in the report");
        }

        if (Feature("audio-backend") is { } backend && Backends.Contains(backend))
        {
            Set(lines, "audio", "backend", $"\"{backend}\"", "as in the report");
        }

        if (Feature("input-mode") is "none")
        {
            Set(lines, "input", "evdev", "\"none\"", "as in the report");
        }

        var header = new List<string>
        {
            $"# Started from report {reportId} ({CatalogIndex.OutcomeKey(report)}): {OneLine(report.Hardware.Gpu)} {OneLine(report.Hardware.GpuName)} on {OneLine(CatalogIndex.BoardKey(report))}, kernel {OneLine(report.Versions.Kernel)}.",
        };
        if (Feature("reset-method") is { } reset)
        {
            header.Add($"# The reporter's GPU reset method was {OneLine(reset)}; 'lodge devices' shows this host's.");
        }

        if (report.Hardware.Gpu is not null && same is null && gpuSpec == "auto")
        {
            header.Add($"# This host has no single {OneLine(report.Hardware.Gpu[..Math.Min(9, report.Hardware.Gpu.Length)])}; the GPU below is this host's own pick.");
        }

        return string.Join('\n', header.Concat(lines)) + "\n";
    }

    // Replaces KEY's line inside [SECTION] of the template (the template writes every key this sets).
    private static void Set(List<string> lines, string section, string key, string value, string comment)
    {
        var inSection = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('['))
            {
                inSection = line == $"[{section}]";
                continue;
            }

            if (inSection && line.StartsWith(key + " =", StringComparison.Ordinal))
            {
                lines[i] = $"{key} = {value}  # {comment}";
                return;
            }
        }
    }

    // Report texts come from strangers: one line, no control characters.
    private static string OneLine(string? text) =>
        new((text ?? "unknown").Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
