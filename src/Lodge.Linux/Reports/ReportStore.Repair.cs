using System.Globalization;
using Lodge.Core;
using Lodge.Core.Reports;
using Microsoft.Data.Sqlite;

namespace Lodge.Linux.Reports;

/// <summary><c>lodge report repair</c>: keep the damaged file, salvage what it still gives, start fresh.</summary>
public sealed partial class ReportStore
{
    // SQLite's own companions of a database file, moved with it so the fresh one starts clean.
    private static readonly string[] Companions = ["-wal", "-shm", "-journal"];

    /// <summary>Moves a damaged database at <paramref name="path"/> to <c>PATH.damaged-yyyyMMdd-HHmmss</c>, reads every report
    /// it still can, and writes them to a fresh database at <paramref name="path"/>.</summary>
    /// <returns>Where the damaged file was kept and how many reports were salvaged; null when the database opens fine (nothing changed).</returns>
    /// <exception cref="HostAccessException">The file cannot be moved or the fresh database written.</exception>
    public static (string Kept, int Salvaged)? Repair(string path, DateTimeOffset now)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var healthy = Open(path);
            healthy.All();
            return null;
        }
        catch (ReportsDatabaseDamagedException)
        {
            // The case repair is for.
        }

        var kept = $"{path}.damaged-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        try
        {
            // HOST EFFECT: the damaged file is kept beside the fresh one, never deleted.
            File.Move(path, kept);
            foreach (var suffix in Companions.Where(s => File.Exists(path + s)))
            {
                File.Move(path + suffix, kept + suffix);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"Cannot move the damaged outcome database '{path}' aside to '{kept}'.", path, e) { Hint = "Run lodge as root, or move it yourself and run lodge again." };
        }

        var salvaged = Salvage(kept);
        using var fresh = Open(path);
        foreach (var report in salvaged)
        {
            fresh.Add(report);
        }

        return (kept, salvaged.Count);
    }

    // Reads row by row, so that a bad page costs the rows on it and not the rest.
    private static List<OutcomeReport> Salvage(string path)
    {
        var result = new List<OutcomeReport>();
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            var store = new ReportStore(connection, path);
            var last = TryScalar(store, "SELECT max(id) FROM reports") ?? TryScalar(store, "SELECT seq FROM sqlite_sequence WHERE name = 'reports'") ?? 0;
            for (var id = 1L; id <= last; id++)
            {
                try
                {
                    result.AddRange(store.Query("SELECT * FROM reports WHERE id = $id", id));
                }
                catch (Exception e) when (e is SqliteException or FormatException or InvalidCastException or ArgumentException)
                {
                    // This row sits on a damaged page: it is lost, the others are not.
                }
            }
        }
        catch (SqliteException)
        {
            // Not a database at all any more: nothing to salvage.
        }

        return result;
    }

    private static long? TryScalar(ReportStore store, string sql)
    {
        try
        {
            return store.Scalar<long?>(sql);
        }
        catch (SqliteException)
        {
            return null;
        }
    }
}
