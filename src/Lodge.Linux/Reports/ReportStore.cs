using System.Globalization;
using Lodge.Core;
using Lodge.Core.Reports;
using Microsoft.Data.Sqlite;

namespace Lodge.Linux.Reports;

/// <summary>The local outcome database (<c>/var/lib/lodge/reports.db</c>): every attempt, with schema migrations.</summary>
/// <remarks>
/// The schema version lives in <c>PRAGMA user_version</c>. Opening a database runs every migration above its version
/// in one transaction, so a database written by an older lodge opens under newer code (see <see cref="Migrations"/>).
/// </remarks>
public sealed partial class ReportStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _path;
    private SqliteTransaction? _transaction;

    private ReportStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
    }

    /// <summary>The database file.</summary>
    public string FilePath => _path;

    /// <summary>The schema version after opening.</summary>
    public int SchemaVersion => Scalar<long>("PRAGMA user_version") is var v ? (int)v : 0;

    /// <summary>Opens (creating when missing) and migrates the database at <paramref name="path"/>.</summary>
    public static ReportStore Open(string path)
    {
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            // Pooling off: a damaged file must be closed for real before 'report repair' moves it aside.
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            var store = new ReportStore(connection, path);
            try
            {
                connection.Open();
                store.Check();
                store.Migrate();
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch (SqliteException e) when (IsDamage(e))
        {
            throw Damaged(path, e);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"Cannot open the outcome database '{path}'.", path, e) { Hint = "Run lodge as root, or pass --reports-db with a writable path." };
        }
    }

    /// <summary>Stores a report and returns its id.</summary>
    public long Add(OutcomeReport r) => Guard(() => Insert(r, null, null)!.Value);

    /// <summary>Stores a report made elsewhere unless one with the same content is already here (import is idempotent);
    /// returns its new id, or null when it was present.</summary>
    public long? AddImported(OutcomeReport r) => Guard(() => Insert(r, ContentHash(r), null));

    /// <summary>Replaces the result of report <paramref name="id"/>: a detached guest's supervisor records how it really ended.</summary>
    /// <returns>False when there is no such report.</returns>
    public bool UpdateResult(long id, ReportResult result) => Guard(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "UPDATE reports SET started = $started, healthy = $healthy, handoff_clean = $clean, failed_step = $step, error = $error WHERE id = $id";
        cmd.Parameters.AddWithValue("$started", result.Started ? 1 : 0);
        cmd.Parameters.AddWithValue("$healthy", result.Healthy ? 1 : 0);
        cmd.Parameters.AddWithValue("$clean", result.HandoffClean is { } c ? (c ? 1 : 0) : DBNull.Value);
        cmd.Parameters.AddWithValue("$step", (object?)result.FailedStep ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$error", (object?)result.Error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery() == 1;
    });

    /// <summary>The identity of a report's content: the SHA-256 of its shareable JSON (which carries no local id).</summary>
    public static string ContentHash(OutcomeReport r) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ReportJson.Write([r]))));

    private long? Insert(OutcomeReport r, string? hash, string? catalogId)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = $"""
            INSERT {(hash is null ? "" : "OR IGNORE ")}INTO reports (origin, machine, recorded, cpu_model, board_vendor, board_model, bios_version, gpu, gpu_name,
                vbios_version, usb_controllers, kernel, qemu, os, features, started, healthy, handoff_clean, failed_step, error,
                rating, rating_note, content_hash, source, catalog_id)
            VALUES ($origin, $machine, $recorded, $cpu, $bv, $bm, $bios, $gpu, $gpuName, $vbios, $usb, $kernel, $qemu, $os,
                $features, $started, $healthy, $clean, $step, $error, $rating, $note, $hash, $source, $catalogId);
            SELECT CASE WHEN changes() = 1 THEN last_insert_rowid() END;
            """;
        var p = cmd.Parameters;
        p.AddWithValue("$origin", r.Origin);
        p.AddWithValue("$machine", (object?)r.Machine ?? DBNull.Value);
        p.AddWithValue("$recorded", r.RecordedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        p.AddWithValue("$cpu", (object?)r.Hardware.CpuModel ?? DBNull.Value);
        p.AddWithValue("$bv", (object?)r.Hardware.BoardVendor ?? DBNull.Value);
        p.AddWithValue("$bm", (object?)r.Hardware.BoardModel ?? DBNull.Value);
        p.AddWithValue("$bios", (object?)r.Hardware.BiosVersion ?? DBNull.Value);
        p.AddWithValue("$gpu", (object?)r.Hardware.Gpu ?? DBNull.Value);
        p.AddWithValue("$gpuName", (object?)r.Hardware.GpuName ?? DBNull.Value);
        p.AddWithValue("$vbios", (object?)r.Hardware.VbiosVersion ?? DBNull.Value);
        p.AddWithValue("$usb", string.Join(',', r.Hardware.UsbControllers));
        p.AddWithValue("$kernel", (object?)r.Versions.Kernel ?? DBNull.Value);
        p.AddWithValue("$qemu", (object?)r.Versions.Qemu ?? DBNull.Value);
        p.AddWithValue("$os", r.Guest.Os);
        p.AddWithValue("$features", FeatureText.Write(r.Guest.Features));
        p.AddWithValue("$started", r.Result.Started ? 1 : 0);
        p.AddWithValue("$healthy", r.Result.Healthy ? 1 : 0);
        p.AddWithValue("$clean", r.Result.HandoffClean is { } c ? (c ? 1 : 0) : DBNull.Value);
        p.AddWithValue("$step", (object?)r.Result.FailedStep ?? DBNull.Value);
        p.AddWithValue("$error", (object?)r.Result.Error ?? DBNull.Value);
        p.AddWithValue("$rating", r.Rating is { } rt ? (rt.Good ? "good" : "bad") : DBNull.Value);
        p.AddWithValue("$note", (object?)r.Rating?.Note ?? DBNull.Value);
        p.AddWithValue("$hash", (object?)hash ?? DBNull.Value);
        p.AddWithValue("$source", (object?)r.Source ?? DBNull.Value);
        p.AddWithValue("$catalogId", (object?)catalogId ?? DBNull.Value);
        return cmd.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>Every report, oldest first.</summary>
    public IReadOnlyList<OutcomeReport> All() => Guard(() => Query("SELECT * FROM reports ORDER BY id", null));

    /// <summary>One report, or null.</summary>
    public OutcomeReport? Get(long id) => Guard(() => Query("SELECT * FROM reports WHERE id = $id", id).FirstOrDefault());

    /// <summary>Rates the newest local report of <paramref name="machine"/>; returns its id, or null when it has none.</summary>
    public long? RateLatest(string machine, ReportRating rating) => Guard(() => RateLatestCore(machine, rating));

    private long? RateLatestCore(string machine, ReportRating rating)
    {
        var id = Scalar<long?>("SELECT max(id) FROM reports WHERE machine = $m AND origin = 'local'", ("$m", machine));
        if (id is null)
        {
            return null;
        }

        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "UPDATE reports SET rating = $r, rating_note = $n WHERE id = $id";
        cmd.Parameters.AddWithValue("$r", rating.Good ? "good" : "bad");
        cmd.Parameters.AddWithValue("$n", (object?)rating.Note ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.ExecuteNonQuery();
        return id;
    }

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26): the bytes are wrong, not the permissions.
    private static bool IsDamage(SqliteException e) => e.SqliteErrorCode is 11 or 26;

    private static ReportsDatabaseDamagedException Damaged(string path, Exception e) =>
        new(path, e is SqliteException s ? s.Message.Replace("SQLite Error " + s.SqliteErrorCode + ": ", "", StringComparison.Ordinal).TrimEnd('.') : e.Message, e)
        {
            Hint = $"Run 'lodge report repair' to keep it as '{path}.damaged-<time>', salvage the reports it can still read, and start a fresh database.",
        };

    // Every query: damage found late (a page read only now) is the same clear error, never a crash.
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e) when (IsDamage(e))
        {
            throw Damaged(_path, e);
        }
        catch (SqliteException e)
        {
            throw new HostAccessException($"The outcome database '{_path}' could not be used: {e.Message}", _path, e) { Hint = "Run lodge as root, or pass --reports-db with a writable path." };
        }
        catch (FormatException e)
        {
            throw Damaged(_path, e);
        }
    }

    // A partly overwritten file can open and fail later; quick_check reads every page once. That is cheap for the
    // database of one host's attempts, but 0.7 s for 100,000 pulled catalog reports on every command, so a larger file
    // is not read whole on open: damage there is found by the query that reaches it (Guard gives the same sentence).
    private const long WholeCheckBytes = 8 * 1024 * 1024;

    private void Check()
    {
        if (File.Exists(_path) && new FileInfo(_path).Length > WholeCheckBytes)
        {
            return;
        }

        var answer = Scalar<string>("PRAGMA quick_check(1)");
        if (answer is not null and not "ok")
        {
            throw Damaged(_path, new InvalidDataException(answer));
        }
    }

    private T? Scalar<T>(string sql, params (string Name, object Value)[] args)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _transaction;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    }
}
