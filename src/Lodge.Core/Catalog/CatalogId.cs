using System.Security.Cryptography;
using System.Text;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>The identity of a catalog report: the SHA-256 of its normalised, privacy-filtered content, so that the same
/// report published twice (from one host or after travelling through another) is one file.</summary>
public static class CatalogId
{
    /// <summary>The normal form of an already privacy-filtered report: no local id, no machine, origin "local" (the
    /// reporter's own attempt), the day only.</summary>
    public static OutcomeReport Normalise(OutcomeReport filtered)
    {
        ArgumentNullException.ThrowIfNull(filtered);
        return filtered with
        {
            Id = 0,
            Origin = "local",
            Machine = null,
            RecordedAt = new DateTimeOffset(filtered.RecordedAt.UtcDateTime.Date, TimeSpan.Zero),
        };
    }

    /// <summary>The catalog file's text: a one-report document in the export schema, of the normal form.</summary>
    public static string Document(OutcomeReport filtered) => ReportJson.Write([Normalise(filtered)]);

    /// <summary>The id: lower-case hex SHA-256 of <see cref="Document"/>.</summary>
    public static string Of(OutcomeReport filtered) => OfDocument(Document(filtered));

    /// <summary>The id of a document's exact text.</summary>
    public static string OfDocument(string document) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
