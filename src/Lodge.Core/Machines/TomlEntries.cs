using Lodge.Core.Passthrough;
using Tomlyn.Syntax;

namespace Lodge.Core.Machines;

/// <summary>Flattens a Tomlyn syntax tree into <see cref="TomlEntry"/> rows, reporting misplaced tables and duplicate keys.</summary>
/// <remarks>
/// Walks the syntax tree (Tomlyn.Syntax), never reflection binding, so it stays NativeAOT-safe and keeps every
/// node's span. Tomlyn's positions are zero-based; problems print them one-based.
/// </remarks>
internal sealed class TomlEntries
{
    private readonly string _file;
    private readonly List<Problem> _problems;
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _arrayCounts = new(StringComparer.Ordinal);

    public TomlEntries(string file, List<Problem> problems)
    {
        _file = file;
        _problems = problems;
    }

    public List<TomlEntry> Entries { get; } = [];

    public IReadOnlyDictionary<string, SourceLocation> Locations => _locations;

    /// <summary>How many <c>[[name]]</c> tables the file has.</summary>
    public int CountOf(string section) => _arrayCounts.GetValueOrDefault(section);

    public static string PathOf(string section, int? index, string key)
    {
        var table = index is { } i ? $"{section}[{i}]" : section;
        return table.Length == 0 ? key : key.Length == 0 ? table : $"{table}.{key}";
    }

    public SourceLocation Locate(SyntaxNode? node) =>
        node is null ? new SourceLocation(_file, 1, 1) : new SourceLocation(_file, Math.Max(node.Span.Start.Line, 0) + 1, Math.Max(node.Span.Start.Column, 0) + 1);

    public void Read(DocumentSyntax document)
    {
        foreach (var keyValue in document.KeyValues)
        {
            AddTopLevel(keyValue);
        }

        foreach (var table in document.Tables)
        {
            AddTable(table);
        }
    }

    private void AddTable(TableSyntaxBase table)
    {
        var parts = KeyParts(table.Name);
        var name = string.Join('.', parts);
        var at = Locate(table);
        var isArray = table is TableArraySyntax;
        if (parts.Count != 1 || !MachineSchema.IsSection(name))
        {
            var suggestion = MachineSchema.Suggest(name, MachineSchema.SectionNames);
            _problems.Add(new Problem(Severity.Error, "unknown-table", $"The table '{name}' is not part of a machine definition.", suggestion is null ? $"Remove it; the tables are {MachineSchema.SectionList}." : $"Did you mean '{suggestion}'?", at));
            return;
        }

        if (isArray != MachineSchema.IsArraySection(name))
        {
            var want = MachineSchema.IsArraySection(name) ? $"[[{name}]]" : $"[{name}]";
            _problems.Add(new Problem(Severity.Error, "table-kind", $"The table '{name}' is written with the wrong brackets.", $"Write it as '{want}'.", at));
            return;
        }

        int? index = null;
        if (isArray)
        {
            index = _arrayCounts.GetValueOrDefault(name);
            _arrayCounts[name] = index.Value + 1;
        }

        var path = PathOf(name, index, "");
        if (!_locations.TryAdd(path, at))
        {
            _problems.Add(new Problem(Severity.Error, "duplicate-table", $"The table '[{name}]' appears twice; the first is at line {_locations[path].Line}.", "Merge the two tables into one.", at));
            return;
        }

        foreach (var keyValue in table.Items)
        {
            var keyParts = KeyParts(keyValue.Key);
            Add(name, index, string.Join('.', keyParts), keyValue.Value, Locate(keyValue), Locate(keyValue.Value));
        }
    }

    private void AddTopLevel(KeyValueSyntax keyValue)
    {
        var parts = KeyParts(keyValue.Key);
        var at = Locate(keyValue);
        if (parts.Count == 2 && MachineSchema.IsSection(parts[0]) && !MachineSchema.IsArraySection(parts[0]))
        {
            // A dotted key such as `cpu.cores = 8` means the same as cores = 8 under [cpu] (TOML 1.0, "Keys").
            _locations.TryAdd(parts[0], at);
            Add(parts[0], null, parts[1], keyValue.Value, at, Locate(keyValue.Value));
            return;
        }

        if (parts.Count == 1 && keyValue.Value is InlineTableSyntax inline && MachineSchema.IsSection(parts[0]) && !MachineSchema.IsArraySection(parts[0]))
        {
            if (!_locations.TryAdd(parts[0], at))
            {
                _problems.Add(new Problem(Severity.Error, "duplicate-table", $"The table '{parts[0]}' is defined twice.", "Merge the two definitions into one.", at));
                return;
            }

            foreach (var item in inline.Items)
            {
                if (item.KeyValue is { } inner)
                {
                    Add(parts[0], null, string.Join('.', KeyParts(inner.Key)), inner.Value, Locate(inner), Locate(inner.Value));
                }
            }

            return;
        }

        Add("", null, string.Join('.', parts), keyValue.Value, at, Locate(keyValue.Value));
    }

    private void Add(string section, int? index, string key, ValueSyntax? value, SourceLocation keyAt, SourceLocation valueAt)
    {
        var entry = new TomlEntry(section, index, key, value, keyAt, valueAt);
        if (!_locations.TryAdd(entry.Path, keyAt))
        {
            _problems.Add(new Problem(Severity.Error, "duplicate-key", $"The key '{entry.Path}' is set twice; the first is at line {_locations[entry.Path].Line}.", "Keep one of the two lines.", keyAt));
            return;
        }

        Entries.Add(entry);
    }

    private static List<string> KeyParts(KeySyntax? key)
    {
        var parts = new List<string>();
        if (key is null)
        {
            return parts;
        }

        parts.Add(KeyText(key.Key));
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(KeyText(dotted.Key));
        }

        return parts;
    }

    private static string KeyText(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax quoted => quoted.Value ?? "",
        _ => "",
    };
}
