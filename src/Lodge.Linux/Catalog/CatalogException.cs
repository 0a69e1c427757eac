using Lodge.Core;

namespace Lodge.Linux.Catalog;

/// <summary>A catalog could not be reached, cloned, read or written; the message names the catalog and what git said.</summary>
public sealed class CatalogException(string message, Exception? innerException = null) : LodgeException(message, innerException);
