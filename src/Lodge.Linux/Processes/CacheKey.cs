using System.Text;

namespace Lodge.Linux.Processes;

/// <summary>The name part of a local cache file: 16 hex digits (64-bit FNV-1a of the text's UTF-8 bytes).</summary>
/// <remarks>A cache key only tells one binary's (or one probe question's) cache file from another's; it guards nothing, so
/// it needs no cryptographic hash (SHA-256 here loaded OpenSSL, about 4 ms of every <c>up</c> and <c>doctor</c>).</remarks>
public static class CacheKey
{
    /// <summary>The key of <paramref name="text"/>.</summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
