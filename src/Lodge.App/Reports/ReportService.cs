using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;

namespace Lodge.App.Reports;

/// <summary>The outcome reports: list, show, rate, export (privacy-filtered), import and repair. Returns data; the CLI renders it.</summary>
public sealed partial class ReportService
{
    private readonly LodgeHost _lodge;

    /// <summary>The reports in <paramref name="lodge"/>'s outcome database.</summary>
    public ReportService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary>Every recorded attempt, oldest first.</summary>
    public IReadOnlyList<OutcomeReport> List()
    {
        using var store = _lodge.OpenReports();
        return store.All();
    }

    /// <summary>One report; throws when there is none with <paramref name="id"/>.</summary>
    public OutcomeReport Show(long id)
    {
        using var store = _lodge.OpenReports();
        return store.Get(id) ?? throw new ReportNotFoundException($"There is no report {id}.") { Hint = "Run 'lodge report list' to see the ids." };
    }

    /// <summary>Adds the user's verdict to machine <paramref name="machine"/>'s latest attempt; returns that report's id.</summary>
    public long Rate(string machine, ReportRating rating)
    {
        using var store = _lodge.OpenReports();
        return store.RateLatest(machine, rating)
            ?? throw new ReportNotFoundException($"There is no recorded attempt of machine '{machine}' to rate.") { Hint = "Start it once with 'lodge up'; every start is recorded." };
    }

    /// <summary>Writes reports <paramref name="ids"/> (all when empty) to <paramref name="target"/> as privacy-filtered JSON; returns how many.</summary>
    public int Export(IReadOnlyCollection<long> ids, string target)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var store = _lodge.OpenReports();
        var all = store.All();
        var reports = all.Where(r => ids.Count == 0 || ids.Contains(r.Id)).ToList();
        // Every machine's name is a secret in every report: one report's error may quote another machine.
        var secrets = PrivacySecrets.Collect(_lodge.Root)
            .Concat(all.Select(r => r.Machine).OfType<string>()).Distinct(StringComparer.Ordinal).ToList();
        var paths = _lodge.Paths;
        (string, string)[] runRoots = [(paths.RunRoot, "/run/lodge"), (paths.StateRoot, "/var/lib/lodge")];
        var text = ReportJson.Write(reports.Select(r => ReportPrivacy.Filter(r, secrets, runRoots)));
        File.WriteAllText(target, text);
        return reports.Count;
    }

    /// <summary>Brings in report files made by <c>lodge report export</c>; the same report twice is kept once.</summary>
    public ImportResult Import(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var store = _lodge.OpenReports();
        var count = 0;
        var present = 0;
        foreach (var file in files)
        {
            var text = File.Exists(file) ? File.ReadAllText(file) : throw new ReportNotFoundException($"The report file '{file}' does not exist.");
            foreach (var r in ReportJsonReader.Read(text, file))
            {
                // The same report twice (the same file imported again, or two files holding it) is kept once.
                if (store.AddImported(r) is null)
                {
                    present++;
                }
                else
                {
                    count++;
                }
            }
        }

        return new ImportResult(count, present);
    }

    /// <summary>Keeps a damaged database as <c>reports.db.damaged-TIME</c>, salvages what it can still read into a fresh one.</summary>
    public RepairResult Repair()
    {
        var path = _lodge.Paths.ReportsDatabase;
        return ReportStore.Repair(path, _lodge.Time.GetUtcNow()) is { } repaired
            ? new RepairResult(path, true, repaired.Kept, repaired.Salvaged)
            : new RepairResult(path, File.Exists(path), null, 0);
    }
}
