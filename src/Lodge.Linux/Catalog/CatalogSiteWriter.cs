using System.Text;
using Lodge.Core.Catalog;

namespace Lodge.Linux.Catalog;

/// <summary><c>lodge report site</c>: writes <see cref="CatalogSite"/>'s pages for a catalog folder into an output folder.</summary>
public static class CatalogSiteWriter
{
    /// <summary>Reads every valid report under <paramref name="catalogDirectory"/> and writes the site to <paramref name="outputDirectory"/>.</summary>
    /// <param name="catalogDirectory">The catalog clone.</param>
    /// <param name="outputDirectory">Where the pages go.</param>
    /// <param name="pageSize">How many reports one list page holds.</param>
    /// <returns>How many reports and pages.</returns>
    public static (int Reports, int Pages) Write(string catalogDirectory, string outputDirectory, int pageSize = CatalogSite.PageSize)
    {
        if (!Directory.Exists(Path.Combine(catalogDirectory, "gpu")))
        {
            throw new CatalogException($"'{catalogDirectory}' holds no catalog (no gpu/ folder).") { Hint = "Pass the folder of a catalog clone, e.g. one made with 'git clone URL DIR'." };
        }

        var reports = CatalogPublisher.Reports(catalogDirectory).ToList();
        var pages = CatalogSite.Build(reports, pageSize);
        var root = Path.GetFullPath(outputDirectory);
        foreach (var (relative, html) in pages)
        {
            var path = Path.GetFullPath(Path.Combine(root, relative));
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, html, new UTF8Encoding(false));
        }

        return (reports.Count, pages.Count);
    }
}
