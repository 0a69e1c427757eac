using System.Globalization;
using Lodge.Core.Passthrough;
using Tomlyn.Syntax;

namespace Lodge.Core.Machines;

/// <summary>Typed reads of flattened entries; each bad value becomes a <see cref="Problem"/> and the default is kept.</summary>
internal sealed class TomlValues
{
    private readonly Dictionary<string, TomlEntry> _byPath = new(StringComparer.Ordinal);
    private readonly List<Problem> _problems;

    public TomlValues(IEnumerable<TomlEntry> entries, List<Problem> problems)
    {
        foreach (var entry in entries)
        {
            _byPath.TryAdd(entry.Path, entry);
        }

        _problems = problems;
    }

    /// <summary>Reports every key that is not in <see cref="MachineSchema"/>, with a did-you-mean.</summary>
    public void ReportUnknownKeys()
    {
        foreach (var entry in _byPath.Values.OrderBy(e => e.KeyLocation.Line).ThenBy(e => e.KeyLocation.Column))
        {
            var known = MachineSchema.KeysOf(entry.Section);
            if (known.Contains(entry.Key))
            {
                continue;
            }

            var where = entry.Section.Length == 0 ? "at the top of the file" : $"in [{entry.Section}]";
            var suggestion = MachineSchema.Suggest(entry.Key, known);
            var fix = suggestion is not null ? $"Did you mean '{suggestion}'?" : $"Remove it; the keys {where} are {string.Join(", ", known)}.";
            _problems.Add(new Problem(Severity.Error, "unknown-key", $"The key '{entry.Key}' is not known {where}.", fix, entry.KeyLocation));
        }
    }

    public bool Has(string path) => _byPath.ContainsKey(path);

    /// <summary>Adds a problem about the value at <paramref name="path"/>, which must exist.</summary>
    public void Report(string path, string code, string message, string fix) =>
        _problems.Add(new Problem(Severity.Error, code, message, fix, _byPath[path].ValueLocation));

    public string? String(string path)
    {
        if (!_byPath.TryGetValue(path, out var entry))
        {
            return null;
        }

        if (entry.Value is StringValueSyntax { Value: { } text })
        {
            return text;
        }

        WrongType(entry, "a string", $"Put the value in double quotes, such as {entry.Key} = \"...\".");
        return null;
    }

    public string Choice(string path, string[] allowed, string fallback)
    {
        var text = String(path);
        if (text is null)
        {
            return fallback;
        }

        if (allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        var entry = _byPath[path];
        var suggestion = MachineSchema.Suggest(text, allowed);
        var fix = suggestion is not null ? $"Did you mean \"{suggestion}\"?" : $"Use one of: {string.Join(", ", allowed)}.";
        _problems.Add(new Problem(Severity.Error, "bad-value", $"'{text}' is not a value '{entry.Key}' accepts.", fix, entry.ValueLocation));
        return fallback;
    }

    public int? Int(string path, int min, int max)
    {
        if (!_byPath.TryGetValue(path, out var entry))
        {
            return null;
        }

        if (entry.Value is not IntegerValueSyntax integer)
        {
            WrongType(entry, "a whole number", $"Write a number without quotes, such as {entry.Key} = {min}.");
            return null;
        }

        if (integer.Value < min || integer.Value > max)
        {
            _problems.Add(new Problem(Severity.Error, "out-of-range", $"'{entry.Key}' is {integer.Value}, outside {min} to {max}.", $"Pick a number from {min} to {max}.", entry.ValueLocation));
            return null;
        }

        return (int)integer.Value;
    }

    public bool? Bool(string path)
    {
        if (!_byPath.TryGetValue(path, out var entry))
        {
            return null;
        }

        if (entry.Value is BooleanValueSyntax boolean)
        {
            return boolean.Value;
        }

        WrongType(entry, "true or false", $"Write {entry.Key} = true or {entry.Key} = false, without quotes.");
        return null;
    }

    /// <summary>A size such as <c>16G</c>: a whole number and a binary unit K, M, G or T (an optional <c>iB</c> is allowed).</summary>
    public long? Size(string path)
    {
        var text = String(path);
        if (text is null)
        {
            return null;
        }

        if (TryParseSize(text, out var bytes))
        {
            return bytes;
        }

        var entry = _byPath[path];
        _problems.Add(new Problem(Severity.Error, "bad-size", $"'{text}' is not a size.", "Write a whole number followed by K, M, G or T, such as \"16G\".", entry.ValueLocation));
        return null;
    }

    public IReadOnlyList<string>? StringArray(string path, bool allowString = false)
    {
        if (!_byPath.TryGetValue(path, out var entry))
        {
            return null;
        }

        if (entry.Value is ArraySyntax array)
        {
            var items = new List<string>();
            foreach (var item in array.Items)
            {
                if (item.Value is StringValueSyntax { Value: { } text })
                {
                    items.Add(text);
                }
                else
                {
                    WrongType(entry, "a list of strings", $"Quote every item, such as {entry.Key} = [\"...\"].");
                    return null;
                }
            }

            return items;
        }

        if (allowString)
        {
            return null;
        }

        WrongType(entry, "a list of strings", $"Write a list, such as {entry.Key} = [\"...\"].");
        return null;
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim();
        if (t.EndsWith("iB", StringComparison.Ordinal))
        {
            t = t[..^2];
        }

        if (t.Length < 2)
        {
            return false;
        }

        var shift = char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => -1,
        };
        if (shift < 0 || !long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || number > (long.MaxValue >> shift))
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    private void WrongType(TomlEntry entry, string want, string fix) =>
        _problems.Add(new Problem(Severity.Error, "wrong-type", $"'{entry.Key}' must be {want}.", fix, entry.ValueLocation));
}
