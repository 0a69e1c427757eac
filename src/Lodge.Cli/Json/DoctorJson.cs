using System.Text.Json;
using Lodge.Core.Doctor;
using Lodge.Core.Hardware;

namespace Lodge.Cli.Json;

/// <summary>The <c>lodge doctor --json</c> document: <c>{"verdict", "exitCode", "sections": [{"title", "checks": [...]}]}</c>.</summary>
public static class DoctorJson
{
    /// <summary>Renders the document.</summary>
    public static string Write(DoctorReport report) => JsonOutput.Build(w => Write(w, report));

    /// <summary>Writes the document to <paramref name="output"/> (straight to the stream on standard output).</summary>
    public static void WriteTo(TextWriter output, DoctorReport report) => JsonOutput.WriteTo(output, w => Write(w, report));

    private static void Write(Utf8JsonWriter w, DoctorReport report)
    {
        w.WriteStartObject();
        w.WriteString("verdict", report.Verdict);
        w.WriteNumber("exitCode", report.ExitCode);
        w.Strings("passableGpus", report.Gpus.Where(g => g.IsPassable).Select(g => g.Device.Address.ToString()));
        WriteTopology(w, report.Topology);
        w.WriteStartArray("sections");
        foreach (var s in report.Sections)
        {
            w.WriteStartObject();
            w.WriteString("title", s.Title);
            w.WriteStartArray("checks");
            foreach (var c in s.Checks)
            {
                WriteCheck(w, c);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    // "topology": the CPU layout as data; lists in the kernel's format ("0-7,16-23"), unknown facts as null.
    private static void WriteTopology(Utf8JsonWriter w, CpuTopology t)
    {
        var cores = t.PhysicalCores;
        w.WriteStartObject("topology");
        w.WriteNumber("packages", t.Packages);
        w.WriteNumber("dies", t.Dies);
        w.WriteNumber("cores", cores.Count);
        w.WriteNumber("threadsPerCore", cores.Count == 0 ? 0 : cores.Max(c => c.Cpus.Count));
        w.WriteString("coreSource", t.CoreSource switch
        {
            SiblingSource.Kernel => "kernel",
            SiblingSource.CpuInfoNoSmt => "cpuinfo",
            SiblingSource.CoreId => "core_id",
            _ => "unknown",
        });
        w.WriteNumber("online", t.Cpus.Count);
        w.NumberOrNull("present", t.Present?.Count);
        w.NumberOrNull("possible", t.Possible?.Count);
        w.WriteString("onlineCpus", HostDoctor.FormatCpuList([.. t.Cpus.Select(c => c.Id)]));
        if (t.Nodes is null)
        {
            w.WriteNull("numaNodes");
        }
        else
        {
            w.WriteStartArray("numaNodes");
            foreach (var n in t.Nodes)
            {
                w.WriteStartObject();
                w.WriteNumber("id", n.Id);
                w.WriteString("cpus", HostDoctor.FormatCpuList(n.Cpus));
                w.NumberOrNull("memTotalKiB", n.MemTotalKiB);
                w.NumberOrNull("memFreeKiB", n.MemFreeKiB);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.Strings("l3Domains", t.L3Domains.Select(HostDoctor.FormatCpuList));
        if (t.IsHybrid)
        {
            w.WriteStartObject("hybrid");
            w.WriteString("performance", HostDoctor.FormatCpuList([.. t.Cpus.Where(c => c.CoreType == CpuCoreType.Performance).Select(c => c.Id)]));
            w.WriteString("efficiency", HostDoctor.FormatCpuList([.. t.Cpus.Where(c => c.CoreType == CpuCoreType.Efficiency).Select(c => c.Id)]));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("hybrid");
        }

        w.WriteEndObject();
    }

    private static void WriteCheck(Utf8JsonWriter w, DoctorCheck c)
    {
        w.WriteStartObject();
        w.WriteString("status", c.Status.ToString().ToLowerInvariant());
        w.WriteString("title", c.Title);
        w.WriteString("detail", c.Detail);
        w.StringOrNull("fix", c.Fix);
        if (c.Details.Count > 0)
        {
            w.WriteStartArray("details");
            foreach (var d in c.Details)
            {
                WriteCheck(w, d);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
