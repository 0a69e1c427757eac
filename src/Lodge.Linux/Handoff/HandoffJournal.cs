using System.Text;
using System.Text.Json;
using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>The handoff journal: JSON lines, each synced to disk before the step it announces runs.</summary>
/// <remarks>
/// A sample (<c>/var/lib/lodge/handoff.journal</c>):
/// <code>
/// {"event":"plan","name":"win11","detail":"0000:06:00.0"}
/// {"event":"begin","index":1,"name":"stop the display manager","undo":{"kind":"StartDisplayManager","target":"display-manager.service"},"timeoutMs":60000}
/// {"event":"done","index":1}
/// {"event":"undone","index":1}
/// {"event":"clean"}
/// </code>
/// A journal is clean when it is missing, empty, or ends with <c>clean</c>. A torn last line (the process died while
/// writing it) is ignored: its step had not started.
/// </remarks>
public sealed class HandoffJournal(string path)
{
    /// <summary>Where production keeps it.</summary>
    public const string DefaultPath = "/var/lib/lodge/handoff.journal";

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>True when no handoff has steps left to undo.</summary>
    public bool IsClean => Read() is var entries && (entries.Count == 0 || entries[^1].Event == JournalEntry.Clean);

    /// <summary>Starts a new journal for a handoff (the old one must be clean).</summary>
    public void Start(string guest, string gpu)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        File.WriteAllText(Path, string.Empty);
        Append(new JournalEntry(JournalEntry.Plan, Name: guest, Detail: gpu));
    }

    /// <summary>Appends one line and flushes it to disk (fsync) before returning.</summary>
    public void Append(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
        stream.Write(Serialize(entry));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every entry, in order; a line that does not parse ends the list.</summary>
    public IReadOnlyList<JournalEntry> Read()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        var entries = new List<JournalEntry>();
        foreach (var line in File.ReadAllLines(Path).Where(l => l.Length > 0))
        {
            try
            {
                entries.Add(Parse(line));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                break;
            }
        }

        return entries;
    }

    private static byte[] Serialize(JournalEntry e)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", e.Event);
            if (e.Index is { } index)
            {
                w.WriteNumber("index", index);
            }

            if (e.Name is not null)
            {
                w.WriteString("name", e.Name);
            }

            if (e.Undo is { } undo)
            {
                w.WriteStartObject("undo");
                w.WriteString("kind", undo.Kind.ToString());
                w.WriteString("target", undo.Target);
                if (undo.Value is not null)
                {
                    w.WriteString("value", undo.Value);
                }

                w.WriteBoolean("mayFail", undo.MayFail);
                w.WriteEndObject();
            }

            if (e.Timeout is { } timeout)
            {
                w.WriteNumber("timeoutMs", (long)timeout.TotalMilliseconds);
            }

            if (e.Detail is not null)
            {
                w.WriteString("detail", e.Detail);
            }

            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static JournalEntry Parse(string line)
    {
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(line));
        var r = doc.RootElement;
        string? Text(JsonElement o, string name) => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        HandoffOperation? undo = null;
        if (r.TryGetProperty("undo", out var u))
        {
            undo = new HandoffOperation(
                Enum.Parse<HandoffOperationKind>(Text(u, "kind") ?? throw new FormatException("An undo has no kind.")),
                Text(u, "target") ?? throw new FormatException("An undo has no target."),
                Text(u, "value"),
                u.TryGetProperty("mayFail", out var m) && m.GetBoolean());
        }

        return new JournalEntry(
            Text(r, "event") ?? throw new FormatException("A journal line has no event."),
            r.TryGetProperty("index", out var i) ? i.GetInt32() : null,
            Text(r, "name"),
            undo,
            r.TryGetProperty("timeoutMs", out var t) ? TimeSpan.FromMilliseconds(t.GetInt64()) : null,
            Text(r, "detail"));
    }
}
