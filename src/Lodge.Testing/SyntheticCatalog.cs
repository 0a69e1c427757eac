using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.Testing;

/// <summary>Deterministic synthetic reports for catalog tests and the catalog benchmark: a spread of GPUs, boards,
/// kernels, configuration features and outcomes, each distinct (so each is its own catalog file).</summary>
public static class SyntheticCatalog
{
    private static readonly string[] Gpus = ["1002:73df:1eae:6601", "1002:73bf:1002:0e3a", "10de:2484:1458:4038", "10de:1b80:10de:119e", "8086:56a0:8086:1020", "1002:744c:1eae:7905"];
    private static readonly string[] GpuNames = ["Navi 22 [Radeon RX 6700 XT]", "Navi 21 [Radeon RX 6800]", "GA104 [GeForce RTX 3070]", "GP104 [GeForce GTX 1080]", "DG2 [Arc A770]", "Navi 31 [Radeon RX 7900 XTX]"];
    private static readonly (string Vendor, string Model)[] Boards = [("Gigabyte Technology Co., Ltd.", "B550M AORUS PRO-P"), ("ASUSTeK COMPUTER INC.", "ROG STRIX X570-E GAMING"), ("Micro-Star International Co., Ltd.", "MAG B550M MORTAR"), ("ASRock", "X670E Taichi"), ("Dell Inc.", "0K240Y")];
    private static readonly string[] Kernels = ["6.1.0-28-amd64", "6.8.0-45-generic", "6.11.5-arch1-1", "6.12.1-200.fc41.x86_64"];
    private static readonly string[] Oses = ["windows11", "windows10", "linux", "macos"];
    private static readonly string[] Modes = ["dedicated", "handoff"];
    private static readonly string[] Resets = ["device_specific", "bus", "flr"];
    private static readonly string[] Roms = ["auto", "file", "none"];

    /// <summary>Report number <paramref name="i"/>: the same i always gives the same report, different i different reports.</summary>
    public static OutcomeReport Report(int i)
    {
        var gpu = i % Gpus.Length;
        var board = Boards[i / 7 % Boards.Length];
        var reset = Resets[i / 3 % Resets.Length];
        var rom = Roms[i / 11 % Roms.Length];
        // A rule the knowledge must find: on AMD cards the bus reset fails; the rest mostly works.
        var works = !(Gpus[gpu].StartsWith("1002", StringComparison.Ordinal) && reset == "bus") && i % 13 != 0;
        var features = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["gpu-mode"] = Modes[i / 5 % Modes.Length],
            ["reset-method"] = reset,
            ["rom"] = rom,
            ["hugepages"] = i % 2 == 0 ? "auto" : "off",
        };
        return new OutcomeReport(
            0,
            "local",
            null,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i % 300),
            new ReportHardware("AMD Ryzen 7 5800X 8-Core Processor", board.Vendor, board.Model, "F15", Gpus[gpu], GpuNames[gpu],
                // The VBIOS build makes every report distinct, as real attempts are (features stay a realistic handful of values).
                $"113-D{i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)}-100", ["1022:149c"]),
            new ReportVersions(Kernels[i / 2 % Kernels.Length], "9.1.2"),
            new ReportGuest(Oses[i / 17 % Oses.Length], features),
            new ReportResult(true, works, works, works ? null : "start-guest", works ? null : "The guest did not answer within 120 s."),
            null);
    }

    /// <summary>Writes reports <paramref name="from"/> .. <paramref name="from"/>+<paramref name="count"/>-1 as catalog files under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<CatalogEntry> Write(string directory, int from, int count)
    {
        var entries = new List<CatalogEntry>(count);
        for (var i = from; i < from + count; i++)
        {
            var e = CatalogEntry.For(Report(i));
            var path = Path.Combine(directory, e.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, e.Document);
            entries.Add(e);
        }

        return entries;
    }
}
