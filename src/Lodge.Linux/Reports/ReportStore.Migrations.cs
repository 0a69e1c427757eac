using System.Globalization;
using Lodge.Core;
using Lodge.Core.Reports;
using Microsoft.Data.Sqlite;

namespace Lodge.Linux.Reports;

/// <summary>Schema migrations and row mapping.</summary>
public sealed partial class ReportStore
{
    /// <summary>The migrations, in order; migration N brings the schema from version N-1 to N. Never edit a shipped one.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the first schema: attempts without the user's verdict.
        """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            origin TEXT NOT NULL,
            machine TEXT,
            recorded TEXT NOT NULL,
            cpu_model TEXT, board_vendor TEXT, board_model TEXT, bios_version TEXT,
            gpu TEXT, gpu_name TEXT, vbios_version TEXT,
            usb_controllers TEXT NOT NULL DEFAULT '',
            kernel TEXT, qemu TEXT,
            os TEXT NOT NULL,
            features TEXT NOT NULL DEFAULT '',
            started INTEGER NOT NULL, healthy INTEGER NOT NULL, handoff_clean INTEGER,
            failed_step TEXT, error TEXT);
        """,
        // 2: the user's verdict (lodge report rate) and an index for queries by GPU.
        """
        ALTER TABLE reports ADD COLUMN rating TEXT;
        ALTER TABLE reports ADD COLUMN rating_note TEXT;
        CREATE INDEX reports_gpu ON reports (gpu);
        """,
        // 3: the content hash of imported reports, so that importing the same report twice keeps one.
        """
        ALTER TABLE reports ADD COLUMN content_hash TEXT;
        CREATE UNIQUE INDEX reports_content ON reports (content_hash) WHERE content_hash IS NOT NULL;
        """,
        // 4: the community catalog: where an imported report came from, its catalog id (also set on published local
        // reports, so that pulling them back adds nothing), the last imported commit of each catalog, and the indexes
        // that per-GPU questions on 100,000 reports need.
        """
        ALTER TABLE reports ADD COLUMN source TEXT;
        ALTER TABLE reports ADD COLUMN catalog_id TEXT;
        CREATE UNIQUE INDEX reports_catalog ON reports (catalog_id) WHERE catalog_id IS NOT NULL;
        CREATE INDEX reports_gpu_board ON reports (gpu, board_vendor, board_model);
        CREATE TABLE catalog_sources (url TEXT PRIMARY KEY, commit_id TEXT NOT NULL, pulled TEXT NOT NULL);
        """,
        // 5: one index that answers a per-GPU question alone (ReportStore.Summarise counts and ranks from it without
        // reading the table): the GPU, everything outcome, closeness and ranking look at, and the features. It starts
        // with gpu, so the plain GPU index is no longer needed.
        """
        CREATE INDEX reports_gpu_summary ON reports (gpu, started, healthy, handoff_clean, rating, board_vendor, board_model, kernel, cpu_model, os, features, recorded);
        DROP INDEX reports_gpu;
        """,
    ];

    private void Migrate()
    {
        var version = (int)(Scalar<long>("PRAGMA user_version"));
        if (version > Migrations.Count)
        {
            throw new HostAccessException($"The outcome database '{_path}' has schema version {version}, newer than this lodge knows ({Migrations.Count}).", _path) { Hint = "Update lodge, or pass --reports-db with another file." };
        }

        if (version == Migrations.Count)
        {
            return;
        }

        using var tx = _connection.BeginTransaction();
        for (var v = version; v < Migrations.Count; v++)
        {
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Migrations[v] + $"\nPRAGMA user_version = {v + 1};";
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private List<OutcomeReport> Query(string sql, long? id)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _transaction;
        if (id is { } i)
        {
            cmd.Parameters.AddWithValue("$id", i);
        }

        using var reader = cmd.ExecuteReader();
        var result = new List<OutcomeReport>();
        while (reader.Read())
        {
            result.Add(Map(reader));
        }

        return result;
    }

    // A database salvaged by 'report repair' may predate a column.
    private static bool HasColumn(SqliteDataReader r, string column)
    {
        for (var i = 0; i < r.FieldCount; i++)
        {
            if (r.GetName(i) == column)
            {
                return true;
            }
        }

        return false;
    }

    private static OutcomeReport Map(SqliteDataReader r)
    {
        string? S(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        var usb = S("usb_controllers") is { Length: > 0 } u ? u.Split(',') : [];
        var clean = r.IsDBNull(r.GetOrdinal("handoff_clean")) ? (bool?)null : r.GetInt64(r.GetOrdinal("handoff_clean")) == 1;
        ReportRating? rating = S("rating") is { } rt ? new ReportRating(rt == "good", S("rating_note")) : null;
        return new OutcomeReport(
            r.GetInt64(r.GetOrdinal("id")),
            S("origin") ?? "local",
            S("machine"),
            DateTimeOffset.Parse(S("recorded")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            new ReportHardware(S("cpu_model"), S("board_vendor"), S("board_model"), S("bios_version"), S("gpu"), S("gpu_name"), S("vbios_version"), usb),
            new ReportVersions(S("kernel"), S("qemu")),
            new ReportGuest(S("os") ?? "other", FeatureText.Read(S("features"))),
            new ReportResult(r.GetInt64(r.GetOrdinal("started")) == 1, r.GetInt64(r.GetOrdinal("healthy")) == 1, clean, S("failed_step"), S("error")),
            rating)
        {
            Source = HasColumn(r, "source") ? S("source") : null,
        };
    }
}
