using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Lodge.Core.Catalog;

/// <summary>Lodge's own settings file (<c>/etc/lodge/lodge.toml</c> as root, <c>$XDG_CONFIG_HOME/lodge/lodge.toml</c>
/// otherwise, beside the machines folder): <c>[catalog] url = "…"</c> names the catalog that publish and pull use by default.</summary>
public static class CatalogConfig
{
    /// <summary>The file name.</summary>
    public const string FileName = "lodge.toml";

    /// <summary>The catalog URL or folder the settings name, or null when they name none.</summary>
    /// <exception cref="ConfigException">The text is not TOML, or <c>[catalog] url</c> is not a text.</exception>
    public static string? Url(string text, string file)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, file, validate: true);
        }
        catch (Tomlyn.TomlException)
        {
            throw new ConfigException($"'{file}' nests too deeply to be Lodge's settings.");
        }

        if (document.HasErrors)
        {
            throw new ConfigException($"'{file}' is not valid TOML: {document.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error).Message}.");
        }

        foreach (var table in document.Tables.Where(t => t is TableSyntax && Text(t.Name) == "catalog"))
        {
            foreach (var item in table.Items.Where(i => Text(i.Key) == "url"))
            {
                return item.Value is StringValueSyntax { Value: { Length: > 0 } url }
                    ? url
                    : throw new ConfigException($"'{file}': [catalog] url is not a text such as \"https://example.org/lodge-catalog.git\".");
            }
        }

        return null;
    }

    private static string Text(KeySyntax? key)
    {
        if (key is null)
        {
            return string.Empty;
        }

        foreach (var unused in key.DotKeys)
        {
            // A dotted key (catalog.url at the top, or [catalog.x]) is not the plain name asked for.
            return string.Empty;
        }

        return key.Key switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
            StringValueSyntax quoted => quoted.Value ?? string.Empty,
            _ => string.Empty,
        };
    }
}
