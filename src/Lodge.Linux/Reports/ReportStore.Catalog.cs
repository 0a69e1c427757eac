using System.Globalization;
using Lodge.Core.Reports;

namespace Lodge.Linux.Reports;

/// <summary>What the community catalog needs of the database: bulk import by catalog id, the last imported commit of
/// each catalog, published marks, and per-GPU reads through the index.</summary>
public sealed partial class ReportStore
{
    /// <summary>Imports catalog reports in one transaction; a report whose catalog id or content is already here is
    /// skipped. Each report is stored with <paramref name="source"/> as its source.</summary>
    /// <returns>How many were new and how many were already here.</returns>
    public (int Added, int Present) ImportCatalog(IEnumerable<(OutcomeReport Report, string CatalogId)> reports, string source)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return Guard(() =>
        {
            var added = 0;
            var present = 0;
            _transaction = _connection.BeginTransaction();
            try
            {
                foreach (var (report, id) in reports)
                {
                    var imported = report with { Id = 0, Origin = "imported", Machine = null, Source = source };
                    if (Insert(imported, ContentHash(imported), id) is null)
                    {
                        present++;
                    }
                    else
                    {
                        added++;
                    }
                }

                _transaction.Commit();
            }
            finally
            {
                _transaction.Dispose();
                _transaction = null;
            }

            return (added, present);
        });
    }

    /// <summary>Records that local report <paramref name="id"/> was published as <paramref name="catalogId"/>, so that
    /// pulling it back from the catalog adds no copy.</summary>
    public void MarkPublished(long id, string catalogId) => Guard(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "UPDATE OR IGNORE reports SET catalog_id = $c WHERE id = $id AND catalog_id IS NULL";
        cmd.Parameters.AddWithValue("$c", catalogId);
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery();
    });

    /// <summary>The last commit of catalog <paramref name="url"/> whose reports were imported, or null before the first pull.</summary>
    public string? CatalogCommit(string url) => Guard(() => Scalar<string>("SELECT commit_id FROM catalog_sources WHERE url = $u", ("$u", url)));

    /// <summary>Remembers that catalog <paramref name="url"/> was imported up to <paramref name="commit"/>.</summary>
    public void SetCatalogCommit(string url, string commit, DateTimeOffset at) => Guard(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "INSERT INTO catalog_sources (url, commit_id, pulled) VALUES ($u, $c, $t) ON CONFLICT(url) DO UPDATE SET commit_id = $c, pulled = $t";
        cmd.Parameters.AddWithValue("$u", url);
        cmd.Parameters.AddWithValue("$c", commit);
        cmd.Parameters.AddWithValue("$t", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        return cmd.ExecuteNonQuery();
    });

    /// <summary>Every report on GPU <paramref name="vendorDevice"/> (e.g. <c>1002:73df</c>, any subsystem), through the GPU index.</summary>
    public IReadOnlyList<OutcomeReport> ForGpu(string vendorDevice)
    {
        ArgumentNullException.ThrowIfNull(vendorDevice);
        var key = vendorDevice.Trim().ToLowerInvariant();
        return Guard(() =>
        {
            using var cmd = _connection.CreateCommand();
            // A range over the index: "1002:73df" and "1002:73df:…" sort between the key and the key followed by ';' (':' + 1).
            cmd.CommandText = "SELECT * FROM reports WHERE gpu >= $lo AND gpu < $hi AND (gpu = $lo OR gpu LIKE $lo || ':%') ORDER BY id";
            cmd.Parameters.AddWithValue("$lo", key);
            cmd.Parameters.AddWithValue("$hi", key + ";");
            using var reader = cmd.ExecuteReader();
            var result = new List<OutcomeReport>();
            while (reader.Read())
            {
                result.Add(Map(reader));
            }

            return result;
        });
    }

    /// <summary>How many reports the database holds.</summary>
    public long Count() => Guard(() => Scalar<long>("SELECT count(*) FROM reports"));

    /// <summary>The report a reference names: a local id (digits), or a catalog id or its first 8+ hex digits.</summary>
    /// <returns>The report and its catalog id (null for a local report never published); null when none matches.</returns>
    /// <exception cref="ArgumentException">The prefix matches more than one report.</exception>
    public (OutcomeReport Report, string? CatalogId)? Find(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var key = reference.Trim().ToLowerInvariant();
        return Guard<(OutcomeReport, string?)?>(() =>
        {
            using var cmd = _connection.CreateCommand();
            if (key.Length is > 0 and < 19 && key.All(char.IsAsciiDigit))
            {
                cmd.CommandText = "SELECT *, catalog_id AS cid FROM reports WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", long.Parse(key, CultureInfo.InvariantCulture));
            }
            else if (key.Length is >= 8 and <= 64 && key.All(char.IsAsciiHexDigitLower))
            {
                cmd.CommandText = "SELECT *, catalog_id AS cid FROM reports WHERE catalog_id >= $lo AND catalog_id < $hi LIMIT 2";
                cmd.Parameters.AddWithValue("$lo", key);
                cmd.Parameters.AddWithValue("$hi", key + "g");
            }
            else
            {
                return null;
            }

            using var reader = cmd.ExecuteReader();
            var found = new List<(OutcomeReport, string?)>();
            while (reader.Read())
            {
                found.Add((Map(reader), reader.IsDBNull(reader.GetOrdinal("cid")) ? null : reader.GetString(reader.GetOrdinal("cid"))));
            }

            if (found.Count > 1)
            {
                throw new ArgumentException($"'{reference}' starts more than one report id; give more digits.", nameof(reference));
            }

            return found.Count == 1 ? found[0] : null;
        });
    }
}
