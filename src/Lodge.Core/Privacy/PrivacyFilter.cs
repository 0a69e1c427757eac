using System.Text;
using System.Text.RegularExpressions;

namespace Lodge.Core.Privacy;

/// <summary>Removes what identifies a machine or a person from captured host files: serial numbers, MAC addresses,
/// UUIDs, host names, user names and home paths.</summary>
/// <remarks>
/// Files that are identities by nature are dropped whole (<see cref="ShouldDrop"/>). Text content and path names
/// are scrubbed: UUIDs become zeros, MAC addresses 00:00:00:00:00:00, the <c>Uniq=</c> of input devices (serials,
/// Bluetooth MACs) is emptied, and every known secret (the host name, USB serials) is replaced. Binary content
/// (PCI config space) carries none of these and is kept as it is.
/// </remarks>
public sealed partial class PrivacyFilter
{
    /// <summary>Replacement for a serial number or other secret inside a name.</summary>
    public const string Redacted = "REDACTED";

    private static readonly HashSet<string> DroppedNames = new(StringComparer.Ordinal)
    {
        "serial", "serial_number", "product_serial", "board_serial", "chassis_serial", "product_uuid",
        "machine-id", "hostname", "vpd", "address", "perm_addr",
    };

    private readonly List<string> _secrets;

    /// <summary>Creates a filter that also replaces each of <paramref name="secrets"/> (host name, serials) wherever it appears.</summary>
    public PrivacyFilter(IEnumerable<string> secrets)
    {
        // Longest first, so a serial that contains another is replaced whole. Short names (2-3 characters, e.g. a
        // user "bob") would hit hex ids inside words, so they are replaced only as whole words.
        var all = secrets.Select(s => s.Trim()).Where(s => s.Length >= 2).Distinct().OrderByDescending(s => s.Length).ToList();
        _secrets = all.Where(s => s.Length >= 4).ToList();
        _shortSecrets = all.Where(s => s.Length < 4).Select(s => new Regex($"(?<![\\w]){Regex.Escape(s)}(?![\\w])", RegexOptions.CultureInvariant)).ToList();
    }

    private readonly List<Regex> _shortSecrets;

    /// <summary>True for files that hold an identity and nothing Lodge needs.</summary>
    public static bool ShouldDrop(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return DroppedNames.Contains(name);
    }

    /// <summary>Scrubs a path or a link target.</summary>
    public string ScrubName(string path) => ReplaceSecrets(path);

    /// <summary>Scrubs file content; binary content (anything with a NUL byte or invalid UTF-8) is returned unchanged.</summary>
    public byte[] ScrubContent(byte[] content)
    {
        if (Array.IndexOf(content, (byte)0) >= 0)
        {
            return content;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return content;
        }

        var scrubbed = ScrubText(text);
        return ReferenceEquals(scrubbed, text) ? content : Encoding.UTF8.GetBytes(scrubbed);
    }

    /// <summary>Scrubs text.</summary>
    public string ScrubText(string text)
    {
        var result = UuidPattern().Replace(text, "00000000-0000-0000-0000-000000000000");
        result = MacPattern().Replace(result, "00:00:00:00:00:00");
        result = UniqPattern().Replace(result, "U: Uniq=");
        result = HomePattern().Replace(result, "/home/user");
        result = Ipv4Pattern().Replace(result, "0.0.0.0");
        result = Ipv6Pattern().Replace(result, m => m.Value.Contains("::", StringComparison.Ordinal) || m.Value.Count(c => c == ':') == 7 ? "::" : m.Value);
        result = DiskNamePattern().Replace(result, m => m.Groups["kind"].Value + Redacted);
        result = ReplaceSecrets(result);
        return result == text ? text : result;
    }

    /// <summary>Scrubs free text a person wrote or an error printed (a rating's note, a failure's message): what
    /// <see cref="ScrubText"/> removes, and also words that look like serial numbers (10 or more capitals and digits,
    /// with at least one of each) and like user names (<c>user@host</c>, <c>~user</c>, <c>user: NAME</c>, <c>login=NAME</c>).</summary>
    public string ScrubNote(string text)
    {
        var result = ScrubText(text);
        result = UserAtHostPattern().Replace(result, Redacted + "@" + Redacted);
        result = TildeUserPattern().Replace(result, "~" + Redacted);
        result = UserWordPattern().Replace(result, m => m.Groups["key"].Value + m.Groups["sep"].Value + Redacted);
        result = SerialPattern().Replace(result, Redacted);
        return result;
    }

    private string ReplaceSecrets(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        foreach (var pattern in _shortSecrets)
        {
            text = pattern.Replace(text, Redacted);
        }

        return text;
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex UuidPattern();

    [GeneratedRegex("(?<![0-9a-fA-F:])(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}(?![0-9a-fA-F:])")]
    private static partial Regex MacPattern();

    [GeneratedRegex("^U: Uniq=.*$", RegexOptions.Multiline)]
    private static partial Regex UniqPattern();

    [GeneratedRegex("(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?![0-9.])")]
    private static partial Regex Ipv4Pattern();

    // A run of hex groups and colons; the replacement keeps it unless it is a full (7 colons) or compressed ("::")
    // IPv6 address, so PCI addresses (0000:01:00.0) and times (10:30:00) survive.
    [GeneratedRegex("(?<![\\w:.])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\\w:.])")]
    private static partial Regex Ipv6Pattern();

    // The stable names of disks carry the model and serial (by-id), the file system's UUID or label (by-uuid,
    // by-label) or the partition's (by-partuuid, by-partlabel): the name goes, the kind stays.
    [GeneratedRegex("(?<kind>/dev/disk/by-(?:id|uuid|partuuid|label|partlabel|diskseq)/)[^\\s\"',;]+")]
    private static partial Regex DiskNamePattern();

    // 10+ characters of capitals, digits and dashes with at least one capital and one digit: C0DFBBA45126, WD-WCC4N1234567.
    // (Shorter ones, like GPU model names, stay; a DMI serial of any length is a known secret anyway.)
    [GeneratedRegex("(?<![\\w-])(?=[A-Z0-9-]*[0-9])(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{9,}(?![\\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex SerialPattern();

    [GeneratedRegex("(?<![\\w.-])[A-Za-z_][\\w.-]*@[A-Za-z0-9][\\w.-]*", RegexOptions.CultureInvariant)]
    private static partial Regex UserAtHostPattern();

    [GeneratedRegex("(?<![\\w/])~[a-z_][a-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex TildeUserPattern();

    [GeneratedRegex("(?<key>\\b(?:user|username|user name|login|account|owner)\\b)(?<sep>\\s*[:=]\\s*)(?!REDACTED)[A-Za-z_][\\w.-]*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UserWordPattern();

    [GeneratedRegex("/home/[^/\\s\"']+")]
    private static partial Regex HomePattern();
}
