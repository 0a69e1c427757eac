using System.Security.Cryptography;
using System.Text;

namespace Lodge.Linux.Journals;

/// <summary>The journals' line format: the first 8 hex digits of the SHA-256 of a JSON body, a space, the body.</summary>
/// <remarks>The same format as the handoff journal (<see cref="Handoff.HandoffJournal"/>): a line that fails its checksum is damaged, never believed.</remarks>
public static class ChecksummedLines
{
    private const int ChecksumLength = 8;

    /// <summary>One line (without its newline) for <paramref name="body"/>.</summary>
    public static string Format(string body) => $"{Checksum(Encoding.UTF8.GetBytes(body))} {body}";

    /// <summary>The body of a line whose checksum matches; null for a damaged line.</summary>
    public static string? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length < ChecksumLength + 2 || line[ChecksumLength] != ' ')
        {
            return null;
        }

        var body = line[(ChecksumLength + 1)..];
        return string.Equals(line[..ChecksumLength], Checksum(Encoding.UTF8.GetBytes(body)), StringComparison.Ordinal) ? body : null;
    }

    private static string Checksum(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return Convert.ToHexStringLower(hash[..(ChecksumLength / 2)]);
    }
}
