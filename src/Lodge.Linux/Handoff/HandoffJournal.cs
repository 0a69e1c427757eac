using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>The handoff journal: one checksummed JSON record per line, each synced to disk before the step it announces runs.</summary>
/// <remarks>
/// A sample (<c>/var/lib/lodge/handoff.journal</c>); each line is the first 8 hex digits of the SHA-256 of its JSON body,
/// a space, the body, and a newline:
/// <code>
/// 1f0c33a2 {"event":"plan","name":"win11","detail":"0000:06:00.0"}
/// 9b6e0d11 {"event":"begin","index":1,"name":"stop the display manager","undo":{...},"timeoutMs":60000}
/// 40aa7c5e {"event":"done","index":1}
/// </code>
/// <para>Reading: a last record with no newline that fails its checksum is torn (the write a crash cut; its step had
/// not started) and is cut off before the next append. A complete line that fails its checksum is damaged: it is
/// skipped, later records are still read, and the journal is <see cref="JournalStatus.Unknown"/> unless a valid
/// <c>clean</c> record follows it. A damaged or missing first (<c>plan</c>) record, or a file that cannot be read, is
/// unknown too, never clean. A missing file is clean: <see cref="Start"/> creates the journal (a temporary file,
/// synced, then renamed) before the first step, so no file means no handoff ever began.</para>
/// <para>Journals of the older format (plain JSON lines, no checksum) are still read: a file whose first line starts
/// with <c>{</c> accepts such lines.</para>
/// </remarks>
public sealed class HandoffJournal(string path)
{
    private const int ChecksumLength = 8;

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>True when no handoff has steps left to undo (the file is missing or ends with <c>clean</c>).</summary>
    public bool IsClean => Inspect().IsClean;

    /// <summary>The lock file next to the journal: the process that runs a handoff holds it (an exclusive <c>flock</c>)
    /// from its first step to its end, so a rescue never undoes steps a live handoff is still taking. The kernel drops
    /// it when that process dies, however it dies.</summary>
    public string LockPath => Path + ".lock";

    /// <summary>Takes the journal's lock; null when another process (or another handle in this one) holds it. Dispose to release.</summary>
    public IDisposable? TryLock()
    {
        var full = System.IO.Path.GetFullPath(LockPath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        try
        {
            // On Linux, FileShare.None takes flock(LOCK_EX | LOCK_NB) on the file, released when the descriptor closes.
            return new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Starts a new journal for a handoff (the old one must be clean): written aside, synced, then renamed over it.</summary>
    public void Start(string guest, string gpu)
    {
        var full = System.IO.Path.GetFullPath(Path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = full + ".new";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            stream.Write(Serialize(new JournalEntry(JournalEntry.Plan, Name: guest, Detail: gpu)));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
        Native.SyncDirectory(directory);
    }

    /// <summary>Appends one record and flushes it to disk (fsync) before returning; a torn last record is cut off first.</summary>
    public void Append(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reading = Inspect(out var bytes);
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
        var end = bytes.Length - reading.TornBytes;
        if (reading.TornBytes > 0)
        {
            // The torn record is the write a crash cut: drop it so that this record starts on a line of its own.
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(end, SeekOrigin.Begin);
        if (end > 0 && bytes[end - 1] != (byte)'\n')
        {
            stream.WriteByte((byte)'\n'); // a complete last record that lost only its newline
        }

        stream.Write(Serialize(entry));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every readable record, in order (damaged lines skipped, a torn last record left out).</summary>
    public IReadOnlyList<JournalEntry> Read() => Inspect().Entries;

    /// <summary>Reads the journal and says what it shows: clean, missing, pending or unknown (with the reason).</summary>
    public JournalReading Inspect() => Inspect(out _);

    private JournalReading Inspect(out byte[] bytes)
    {
        bytes = [];
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new JournalReading(JournalStatus.Missing, [], [], 0, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new JournalReading(JournalStatus.Unknown, [], [], 0, $"The journal '{Path}' cannot be read: {e.Message}");
        }

        return Parse(bytes, Path);
    }

    /// <summary>Parses journal bytes; exposed for the fuzz specs.</summary>
    internal static JournalReading Parse(ReadOnlySpan<byte> bytes, string path)
    {
        var entries = new List<JournalEntry>();
        var damaged = new List<int>();
        var legacy = bytes.Length > 0 && bytes[0] == (byte)'{';
        var line = 0;
        var lastDamage = -1; // the index into entries at which the last damaged line sat
        var firstRecordBad = false;
        var torn = 0;
        var rest = bytes;
        while (rest.Length > 0)
        {
            var newline = rest.IndexOf((byte)'\n');
            var text = newline < 0 ? rest : rest[..newline];
            if (newline < 0)
            {
                // No newline: a complete record that lost its newline, or the write a crash cut.
                if (TryParseLine(text, legacy) is { } last)
                {
                    entries.Add(last);
                }
                else
                {
                    torn = text.Length;
                    firstRecordBad |= line == 0 && !IsTornPlan(text);
                }

                break;
            }

            rest = rest[(newline + 1)..];
            if (text.IsEmpty)
            {
                continue;
            }

            line++;
            if (TryParseLine(text, legacy) is { } entry)
            {
                firstRecordBad |= line == 1 && entry.Event != JournalEntry.Plan;
                entries.Add(entry);
            }
            else
            {
                damaged.Add(line);
                firstRecordBad |= line == 1;
                lastDamage = entries.Count;
            }
        }

        var endsClean = entries.Count > 0 && entries[^1].Event == JournalEntry.Clean;
        if (firstRecordBad)
        {
            return new JournalReading(JournalStatus.Unknown, entries, damaged, torn, $"The first line of the journal '{path}' is not a readable plan record, so what the handoff changed is not known.");
        }

        if (lastDamage >= 0 && !(endsClean && entries.Count > lastDamage))
        {
            return new JournalReading(JournalStatus.Unknown, entries, damaged, torn, $"Line(s) {string.Join(", ", damaged)} of the journal '{path}' are damaged, so a step recorded there may still be applied.");
        }

        var status = entries.Count == 0 || endsClean ? JournalStatus.Clean : JournalStatus.Pending;
        return new JournalReading(status, entries, damaged, torn, null);
    }

    // A first record cut short is harmless only when it is visibly the start of a plan record: no step begins before
    // the plan record is on disk (and Start writes it aside and renames, so only an older lodge can leave one).
    private static bool IsTornPlan(ReadOnlySpan<byte> text)
    {
        const string Plan = "{\"event\":\"plan\"";
        var s = Encoding.UTF8.GetString(text);
        if (s.StartsWith('{'))
        {
            return Plan.StartsWith(s, StringComparison.Ordinal) || s.StartsWith(Plan, StringComparison.Ordinal);
        }

        var hex = s.Length <= ChecksumLength ? s : s[..ChecksumLength];
        if (!hex.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        var body = s.Length <= ChecksumLength ? string.Empty : s[ChecksumLength..];
        return body.Length == 0 || (body[0] == ' ' && (Plan.StartsWith(body[1..], StringComparison.Ordinal) || body[1..].StartsWith(Plan, StringComparison.Ordinal)));
    }

    private static JournalEntry? TryParseLine(ReadOnlySpan<byte> text, bool legacy)
    {
        ReadOnlySpan<byte> body;
        if (legacy && text.Length > 0 && text[0] == (byte)'{')
        {
            body = text;
        }
        else
        {
            if (text.Length < ChecksumLength + 2 || text[ChecksumLength] != (byte)' ')
            {
                return null;
            }

            body = text[(ChecksumLength + 1)..];
            if (!text[..ChecksumLength].SequenceEqual(Checksum(body)))
            {
                return null;
            }
        }

        try
        {
            return ParseBody(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static byte[] Checksum(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash[..(ChecksumLength / 2)]));
    }

    private static byte[] Serialize(JournalEntry e)
    {
        var body = SerializeBody(e);
        var line = new byte[ChecksumLength + 1 + body.Length + 1];
        Checksum(body).CopyTo(line, 0);
        line[ChecksumLength] = (byte)' ';
        body.CopyTo(line, ChecksumLength + 1);
        line[^1] = (byte)'\n';
        return line;
    }

    private static byte[] SerializeBody(JournalEntry e)
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

            if (e.Writer is not null)
            {
                w.WriteString("writer", e.Writer);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JournalEntry ParseBody(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        using var doc = JsonDocument.ParseValue(ref reader);
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
            Text(r, "detail"),
            Text(r, "writer"));
    }
}
