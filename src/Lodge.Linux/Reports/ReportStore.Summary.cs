using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.Linux.Reports;

/// <summary>Questions about one GPU answered in SQL: counts grouped by outcome, closeness and features, and only the
/// best few reports read whole (a catalog may hold 100,000 reports, tens of thousands on one popular GPU).</summary>
public sealed partial class ReportStore
{
    // The match of ReportQuery.Filter: the GPU range over the index, the board as a case-insensitive substring of
    // vendor or model, the OS case-insensitively. instr(lower(...)) folds ASCII only, as DMI board names are.
    private const string Where = """
        gpu >= $lo AND gpu < $hi AND (gpu = $lo OR gpu LIKE $lo || ':%')
        AND ($board IS NULL OR instr(lower(board_vendor), lower($board)) > 0 OR instr(lower(board_model), lower($board)) > 0)
        AND ($os IS NULL OR os = $os COLLATE NOCASE)
        """;

    // CatalogIndex.IsGood: it worked (started, healthy, the handoff not unclean) and was not rated bad.
    private const string Good = "(started = 1 AND healthy = 1 AND coalesce(handoff_clean, 1) = 1 AND coalesce(rating, '') <> 'bad')";

    // ReportQuery.Score.
    private const string Score = """
        (CASE WHEN started = 1 AND healthy = 1 AND coalesce(handoff_clean, 1) = 1 THEN 4 WHEN started = 1 THEN 1 ELSE 0 END
         + CASE rating WHEN 'good' THEN 2 WHEN 'bad' THEN -3 ELSE 0 END)
        """;

    /// <summary>What was tried on GPU <paramref name="gpu"/> (vendor:device, or a full card id), computed in SQL: the
    /// <paramref name="best"/> best reports and every match counted by outcome, closeness to <paramref name="closeTo"/>
    /// and features. The same answer as <see cref="OutcomeSummary.Of"/> over every report.</summary>
    public OutcomeSummary Summarise(string gpu, CatalogHost? closeTo = null, string? board = null, string? os = null, int best = 20)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var key = gpu.Trim().ToLowerInvariant();
        return Guard(() => new OutcomeSummary(BestOf(key, board, os, best), GroupsOf(key, closeTo, board, os)));
    }

    private List<OutcomeReport> BestOf(string key, string? board, string? os, int best)
    {
        var result = new List<OutcomeReport>();
        if (best <= 0)
        {
            return result;
        }

        using var cmd = _connection.CreateCommand();
        // Ranked inside the covering index; only the chosen rows are read from the table.
        cmd.CommandText = $"""
            SELECT * FROM reports WHERE id IN (SELECT id FROM reports WHERE {Where} ORDER BY {Score} DESC, recorded DESC, id LIMIT $best)
            ORDER BY {Score} DESC, recorded DESC, id
            """;
        Bind(cmd, key, board, os);
        cmd.Parameters.AddWithValue("$best", best);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result.Add(Map(reader));
        }

        return result;
    }

    private List<OutcomeGroup> GroupsOf(string key, CatalogHost? closeTo, string? board, string? os)
    {
        using var cmd = _connection.CreateCommand();
        // CatalogKnowledge.Closeness, flag by flag; a kernel series "6.8" matches "6.8" and "6.8" followed by a non-digit.
        cmd.CommandText = $"""
            SELECT count(*), {Good},
                ($bm IS NOT NULL AND board_model = $bm COLLATE NOCASE AND (board_vendor = $bv COLLATE NOCASE OR (board_vendor IS NULL AND $bv IS NULL))),
                ($series IS NOT NULL AND (kernel = $series OR kernel GLOB $series || '[^0-9]*')),
                ($card IS NOT NULL AND gpu = $card),
                ($cpu IS NOT NULL AND cpu_model = $cpu),
                features
            FROM reports WHERE {Where}
            GROUP BY 2, 3, 4, 5, 6, 7
            """;
        Bind(cmd, key, board, os);
        var p = cmd.Parameters;
        p.AddWithValue("$bm", (object?)closeTo?.BoardModel ?? DBNull.Value);
        p.AddWithValue("$bv", (object?)closeTo?.BoardVendor ?? DBNull.Value);
        p.AddWithValue("$series", (object?)CatalogKnowledge.KernelSeries(closeTo?.KernelRelease) ?? DBNull.Value);
        p.AddWithValue("$card", closeTo is { Gpu.Length: > 9 } ? closeTo.Gpu : DBNull.Value);
        p.AddWithValue("$cpu", (object?)closeTo?.CpuModel ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var features = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var result = new List<OutcomeGroup>();
        while (reader.Read())
        {
            var text = reader.IsDBNull(6) ? string.Empty : reader.GetString(6);
            if (!features.TryGetValue(text, out var map))
            {
                features[text] = map = FeatureText.Read(text);
            }

            result.Add(new OutcomeGroup((int)reader.GetInt64(0), Flag(reader, 1), Flag(reader, 2), Flag(reader, 3), Flag(reader, 4), Flag(reader, 5), map));
        }

        return result;
    }

    private static bool Flag(Microsoft.Data.Sqlite.SqliteDataReader r, int column) => !r.IsDBNull(column) && r.GetInt64(column) == 1;

    private static void Bind(Microsoft.Data.Sqlite.SqliteCommand cmd, string key, string? board, string? os)
    {
        cmd.Parameters.AddWithValue("$lo", key);
        cmd.Parameters.AddWithValue("$hi", key + ";");
        cmd.Parameters.AddWithValue("$board", (object?)board ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$os", (object?)os ?? DBNull.Value);
    }
}
