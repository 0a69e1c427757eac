using System.Text.Json;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Isolation;

/// <summary>What isolation changed: each unit with the AllowedCPUs it had before, written (atomically, synced) before the first change.</summary>
/// <remarks>
/// A sample (<c>/var/lib/lodge/isolation.journal</c>), one line in the other journals' format
/// (<see cref="Journals.ChecksummedLines"/>: 8 hex digits of the body's SHA-256, a space, the JSON body):
/// <code>
/// 5d2c01ae {"guest":"win11","units":[{"unit":"system.slice","previous":""},{"unit":"user.slice","previous":""},{"unit":"init.scope","previous":""}]}
/// </code>
/// A journal of the older format (the plain JSON line, written before the checksum) is still read. A line that fails
/// its checksum is damaged and never believed: it names no unit.
/// While the file exists some unit may still be limited; restoring sets every listed unit back (setting an untouched unit
/// to its own value changes nothing) and then deletes the file. The properties are runtime ones, so a reboot also clears
/// them: at boot the journal is only removed after the same restore.
/// </remarks>
public sealed class CpuIsolationJournal(string path)
{
    /// <summary>Where production keeps it.</summary>
    public const string DefaultPath = "/var/lib/lodge/isolation.journal";

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>True when nothing is left to restore.</summary>
    public bool IsClean => !File.Exists(Path);

    /// <summary>Records the units' previous values.</summary>
    public void Write(string guest, IReadOnlyList<(string Unit, IReadOnlyList<int> Previous)> units)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var json = JsonSerializer.Serialize(new Entry(guest, [.. units.Select(u => new UnitEntry(u.Unit, Cpus.Format(u.Previous)))]), IsolationJsonContext.Default.Entry);
        AtomicFile.WriteText(Path, Journals.ChecksummedLines.Format(json) + "\n");
    }

    /// <summary>The guest and units recorded; null when clean. A file that does not parse names no unit, so restore falls back to lifting the limit on every isolated unit.</summary>
    public (string Guest, IReadOnlyList<(string Unit, IReadOnlyList<int> Previous)> Units)? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            // The older format is the bare JSON object; the current one puts the checksum before it.
            var line = File.ReadAllText(Path).TrimEnd('\n');
            var body = line.StartsWith('{') ? line : Journals.ChecksummedLines.TryParse(line);
            var entry = body is null ? null : JsonSerializer.Deserialize(body, IsolationJsonContext.Default.Entry);
            if (entry?.Units is { } units)
            {
                return (entry.Guest ?? "", [.. units.Select(u => (u.Unit, Cpus.Parse(u.Previous)))]);
            }
        }
        catch (JsonException)
        {
        }

        return ("", []);
    }

    /// <summary>Removes the journal once every unit is restored.</summary>
    public void Clear() => File.Delete(Path);

    internal sealed record Entry(string? Guest, IReadOnlyList<UnitEntry>? Units);

    internal sealed record UnitEntry(string Unit, string Previous);
}
