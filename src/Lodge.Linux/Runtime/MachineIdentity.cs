using System.Security.Cryptography;
using System.Text;

namespace Lodge.Linux.Runtime;

/// <summary>A machine's SMBIOS UUID, kept in <c>uuid</c> in its state folder so the guest sees the same system
/// across runs, exports and QEMU upgrades (Windows activation keys to it).</summary>
public static class MachineIdentity
{
    /// <summary>The file name in the state folder.</summary>
    public const string FileName = "uuid";

    /// <summary>The UUID stored in <paramref name="stateDir"/>; when there is none, a new random one is stored if
    /// <paramref name="create"/>, else one derived from the machine's name is returned and nothing is written (a
    /// command reading a captured tree with <c>--root</c> writes nothing outside it).</summary>
    public static string Load(string stateDir, string machine, bool create)
    {
        var file = Path.Combine(stateDir, FileName);
        try
        {
            if (File.Exists(file) && Guid.TryParse(File.ReadAllText(file).Trim(), out var stored))
            {
                return stored.ToString("D");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Derived(machine);
        }

        if (!create)
        {
            return Derived(machine);
        }

        var uuid = Guid.NewGuid().ToString("D");
        try
        {
            Directory.CreateDirectory(stateDir);

            // HOST EFFECT: creates <state>/uuid once; nothing removes it, as the machine keeps its identity.
            File.WriteAllText(file, uuid + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Derived(machine);
        }

        return uuid;
    }

    /// <summary>A UUID derived from the machine's name (SHA-256, laid out as a version 5 UUID).</summary>
    public static string Derived(string machine)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("lodge-machine:" + machine))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0f) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
