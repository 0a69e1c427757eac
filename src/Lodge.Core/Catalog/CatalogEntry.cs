using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>One report as it will sit in a catalog: its id, its path and the exact text of its file.</summary>
public sealed record CatalogEntry(string Id, string Path, string Document)
{
    /// <summary>The entry of an already privacy-filtered report.</summary>
    public static CatalogEntry For(OutcomeReport filtered)
    {
        var document = CatalogId.Document(filtered);
        var id = CatalogId.OfDocument(document);
        return new CatalogEntry(id, CatalogPath.For(filtered, id), document);
    }
}
