using System.Security.Cryptography;
using System.Text;

namespace Lodge.Web;

/// <summary>The dashboard's login token: 32 random bytes as hex, made on first start and kept in
/// <c>dashboard.token</c> in the state folder with mode 0600 (owner read/write only).</summary>
public static class DashboardToken
{
    /// <summary>The file name in the state folder.</summary>
    public const string FileName = "dashboard.token";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads the token in <paramref name="stateRoot"/>, making it (0600) when there is none; a file with
    /// looser permissions is tightened to 0600.</summary>
    public static string LoadOrCreate(string stateRoot)
    {
        ArgumentNullException.ThrowIfNull(stateRoot);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("lodge runs on Linux.");
        }

        Directory.CreateDirectory(stateRoot);
        var path = Path.Combine(stateRoot, FileName);
        if (File.Exists(path))
        {
            if (File.GetUnixFileMode(path) != OwnerOnly)
            {
                File.SetUnixFileMode(path, OwnerOnly);
            }

            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32 && existing.All(char.IsAsciiHexDigitLower))
            {
                return existing;
            }
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var temporary = path + ".new";
        File.Delete(temporary);
        // Created 0600 from the first byte (no window in which another user could read it), then renamed over.
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
        {
            stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return token;
    }

    /// <summary>Compares a presented token with the real one in constant time.</summary>
    public static bool Matches(string expected, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));
}
