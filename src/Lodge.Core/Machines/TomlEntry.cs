using Tomlyn.Syntax;

namespace Lodge.Core.Machines;

/// <summary>One key/value of a machine file, flattened to its table: <c>[[disk]]</c> #1's <c>size</c> is ("disk", 1, "size").</summary>
internal sealed record TomlEntry(string Section, int? Index, string Key, ValueSyntax? Value, SourceLocation KeyLocation, SourceLocation ValueLocation)
{
    /// <summary>The path used in <see cref="MachineConfig.Locations"/>: <c>cpu.cores</c>, <c>disk[1].size</c>.</summary>
    public string Path => TomlEntries.PathOf(Section, Index, Key);
}
