using System.Text;
using System.Text.Json;
using Lodge.Core.Runtime;
using Lodge.Linux.Journals;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.HugePages;

/// <summary>The hugepages Lodge has reserved and not yet given back: one checksummed line per reservation, the whole file replaced atomically on each change.</summary>
/// <remarks>
/// A sample (<c>/var/lib/lodge/hugepages.journal</c>); each line is the first 8 hex digits of the SHA-256 of its JSON body,
/// a space, the body:
/// <code>
/// 5d2c0a7e {"guest":"win11","node":1,"pageKiB":2048,"count":4096,"before":16,"held":4096}
/// </code>
/// <para>A reservation is written before the pool grows (without <c>held</c>), updated with the pages it really got,
/// marked with <c>releaseFrom</c>/<c>releaseTo</c> just before the pool shrinks (so a crash right after that write
/// is not released twice), and removed only after the pool has them back. So a release that fails, a crash, or a killed supervisor leaves it
/// here for the next start, <c>lodge rescue</c> and <c>status</c>/<c>doctor</c>; no file means Lodge holds none.</para>
/// <para>A line that fails its checksum makes the journal damaged: nothing in it is acted on (releasing twice would
/// take pages another guest holds), and rescue says what to check.</para>
/// </remarks>
public sealed class HugePageJournal(string path)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Reads every reservation; <see cref="HugePageJournalReading.Damage"/> says why it cannot be believed, if it cannot.</summary>
    public HugePageJournalReading Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new HugePageJournalReading([], null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HugePageJournalReading([], $"The hugepage journal '{Path}' cannot be read: {e.Message}");
        }

        var reservations = new List<HugePageReservation>();
        var damaged = new List<int>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            if (ChecksummedLines.TryParse(lines[i]) is { } body && TryParseBody(body) is { } reservation)
            {
                reservations.Add(reservation);
            }
            else
            {
                damaged.Add(i + 1);
            }
        }

        return new HugePageJournalReading(reservations, damaged.Count == 0 ? null
            : $"Line(s) {string.Join(", ", damaged)} of the hugepage journal '{Path}' are damaged, so what Lodge still holds in the hugepage pools is not known.");
    }

    /// <summary>Adds a reservation (or replaces the one of the same guest and pool).</summary>
    public void Put(HugePageReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var all = Believed();
        var at = all.FindIndex(r => r.SameAs(reservation));
        if (at >= 0)
        {
            all[at] = reservation;
        }
        else
        {
            all.Add(reservation);
        }

        Save(all);
    }

    /// <summary>Removes a reservation whose pages are back in the pool; reservations made after it in the same pool had its pages in their <c>before</c>, so theirs shrink by as many.</summary>
    public void Remove(HugePageReservation reservation, long released)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var all = Believed();
        var at = all.FindIndex(r => r.SameAs(reservation));
        if (at < 0)
        {
            return;
        }

        all.RemoveAt(at);
        for (var i = at; i < all.Count; i++)
        {
            if (all[i].Pool.NrHugePagesPath == reservation.Pool.NrHugePagesPath)
            {
                all[i] = all[i] with { Before = Math.Max(0, all[i].Before - released) };
            }
        }

        Save(all);
    }

    /// <summary>Forgets every reservation (at boot: runtime pool sizes do not survive a reboot).</summary>
    public void Clear() => File.Delete(Path);

    private List<HugePageReservation> Believed()
    {
        var reading = Read();
        if (reading.Damage is { } damage)
        {
            throw new HugePageJournalDamagedException(Path, damage);
        }

        return [.. reading.Reservations];
    }

    private void Save(List<HugePageReservation> all)
    {
        if (all.Count == 0)
        {
            File.Delete(Path);
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        AtomicFile.WriteText(Path, string.Concat(all.Select(r => ChecksummedLines.Format(Body(r)) + "\n")));
    }

    private static string Body(HugePageReservation r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("guest", r.Guest);
            if (r.Pool.Node is { } node)
            {
                w.WriteNumber("node", node);
            }
            else
            {
                w.WriteNull("node");
            }

            w.WriteNumber("pageKiB", r.Pool.PageKiB);
            w.WriteNumber("count", r.Pool.Count);
            w.WriteNumber("before", r.Before);
            if (r.Held is { } held)
            {
                w.WriteNumber("held", held);
            }

            if (r.ReleaseFrom is { } from && r.ReleaseTo is { } to)
            {
                w.WriteNumber("releaseFrom", from);
                w.WriteNumber("releaseTo", to);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static HugePageReservation? TryParseBody(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("guest", out var guest) || guest.ValueKind != JsonValueKind.String
                || !r.TryGetProperty("pageKiB", out var page) || !r.TryGetProperty("count", out var count) || !r.TryGetProperty("before", out var before))
            {
                return null;
            }

            int? node = r.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : null;
            long? held = r.TryGetProperty("held", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : null;
            long? from = r.TryGetProperty("releaseFrom", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : null;
            long? to = r.TryGetProperty("releaseTo", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : null;
            var pool = new HugePageAllocation(node, page.GetInt64(), count.GetInt64());
            return pool.PageKiB > 0 && pool.Count >= 0 && before.GetInt64() >= 0 && node is null or >= 0 && (from is null) == (to is null)
                ? new HugePageReservation(guest.GetString()!, pool, before.GetInt64(), held, from, to)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
