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

    private ReportStore(SqliteConnection connection)
    {
        _connection = connection;
    }

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

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
            connection.Open();
            var store = new ReportStore(connection);
            store.Migrate();
            return store;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"Cannot open the outcome database '{path}'.", path, e) { Hint = "Run lodge as root, or pass --reports-db with a writable path." };
        }
    }

    /// <summary>Stores a report and returns its id.</summary>
    public long Add(OutcomeReport r)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO reports (origin, machine, recorded, cpu_model, board_vendor, board_model, bios_version, gpu, gpu_name,
                vbios_version, usb_controllers, kernel, qemu, os, features, started, healthy, handoff_clean, failed_step, error,
                rating, rating_note)
            VALUES ($origin, $machine, $recorded, $cpu, $bv, $bm, $bios, $gpu, $gpuName, $vbios, $usb, $kernel, $qemu, $os,
                $features, $started, $healthy, $clean, $step, $error, $rating, $note);
            SELECT last_insert_rowid();
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
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Every report, oldest first.</summary>
    public IReadOnlyList<OutcomeReport> All() => Query("SELECT * FROM reports ORDER BY id", null);

    /// <summary>One report, or null.</summary>
    public OutcomeReport? Get(long id) => Query("SELECT * FROM reports WHERE id = $id", id).FirstOrDefault();

    /// <summary>Rates the newest local report of <paramref name="machine"/>; returns its id, or null when it has none.</summary>
    public long? RateLatest(string machine, ReportRating rating)
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

    private T? Scalar<T>(string sql, params (string Name, object Value)[] args)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    }
}
