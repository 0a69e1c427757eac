using System.Globalization;
using System.Text;
using Lodge.Core.Setup;

namespace Lodge.Linux.Setup;

/// <summary>The record of one apply in <c>/var/lib/lodge/setup/&lt;id&gt;/manifest</c>: what was written, how it was before, how to regenerate.</summary>
/// <remarks>
/// A line-oriented, tab-separated text file, so it can be read by hand when Lodge itself cannot run:
/// <code>
/// lodge-setup-manifest 1
/// id       20261127-120000
/// phase    apply
/// machines win11
/// file     /etc/default/grub   existed  644  &lt;sha256 before&gt;  &lt;sha256 after&gt;
/// file     /etc/modprobe.d/lodge-vfio.conf  absent  644  -  &lt;sha256 after&gt;
/// dir      /etc/dracut.conf.d
/// regenerate  update-grub
/// reverted 2026-11-27T12:30:00Z
/// </code>
/// The bytes of every file that existed are kept beside it under <c>files/</c>, at their host path.
/// </remarks>
public sealed record SetupManifest(string Id, SetupPhase Phase, IReadOnlyList<string> Machines)
{
    private const string Magic = "lodge-setup-manifest 1";

    public IReadOnlyList<SetupBackedUpFile> Files { get; init; } = [];

    /// <summary>Directories the apply created, removed again by a revert when empty.</summary>
    public IReadOnlyList<string> CreatedDirectories { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<string>> Regenerate { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<string>> Undo { get; init; } = [];

    /// <summary>When the apply was reverted, or null.</summary>
    public string? Reverted { get; init; }

    /// <summary>The manifest as text.</summary>
    public string Format()
    {
        var sb = new StringBuilder().Append(Magic).Append('\n');
        sb.Append("id\t").Append(Id).Append('\n');
        sb.Append("phase\t").Append(Phase == SetupPhase.Apply ? "apply" : "confirm").Append('\n');
        sb.Append("machines\t").Append(string.Join(' ', Machines)).Append('\n');
        foreach (var f in Files)
        {
            sb.Append(f.Touched ? "touched" : "file").Append('\t').Append(f.Path).Append('\t').Append(f.Existed ? "existed" : "absent").Append('\t')
              .Append(Convert.ToString((int)f.Mode, 8)).Append('\t').Append(f.Before ?? "-").Append('\t').Append(f.After ?? "-").Append('\n');
        }

        foreach (var d in CreatedDirectories)
        {
            sb.Append("dir\t").Append(d).Append('\n');
        }

        foreach (var c in Regenerate)
        {
            sb.Append("regenerate\t").Append(string.Join('\t', c)).Append('\n');
        }

        foreach (var c in Undo)
        {
            sb.Append("undo\t").Append(string.Join('\t', c)).Append('\n');
        }

        if (Reverted is not null)
        {
            sb.Append("reverted\t").Append(Reverted).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Parses a manifest; throws <see cref="SetupException"/> naming <paramref name="path"/> when it is not one.</summary>
    public static SetupManifest Parse(string text, string path)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Magic)
        {
            throw new SetupException($"'{path}' is not a Lodge setup manifest.", path) { Hint = "Restore the files listed in it by hand, or remove that backup folder." };
        }

        string id = "", phase = "apply";
        string? reverted = null;
        var machines = new List<string>();
        var files = new List<SetupBackedUpFile>();
        var dirs = new List<string>();
        var regenerate = new List<IReadOnlyList<string>>();
        var undo = new List<IReadOnlyList<string>>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            switch (f[0])
            {
                case "id": id = f[1]; break;
                case "phase": phase = f[1]; break;
                case "machines": machines.AddRange(f[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                case "file" or "touched" when f.Length == 6:
                    files.Add(new SetupBackedUpFile(f[1], f[2] == "existed", (UnixFileMode)Convert.ToInt32(f[3], 8), Hash(f[4]), Hash(f[5]), f[0] == "touched"));
                    break;
                case "dir": dirs.Add(f[1]); break;
                case "regenerate": regenerate.Add(f[1..]); break;
                case "undo": undo.Add(f[1..]); break;
                case "reverted": reverted = f[1]; break;
                default:
                    throw new SetupException($"'{path}' has a line Lodge does not understand: '{line}'.", path) { Hint = "Restore the files listed in it by hand, or remove that backup folder." };
            }
        }

        return new SetupManifest(id, phase == "confirm" ? SetupPhase.Confirm : SetupPhase.Apply, machines)
        {
            Files = files,
            CreatedDirectories = dirs,
            Regenerate = regenerate,
            Undo = undo,
            Reverted = reverted,
        };

        static string? Hash(string field) => field == "-" ? null : field;
    }

    /// <summary>The sha256 of some bytes, lower-case hex.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>The time stamp format used for <see cref="Reverted"/>.</summary>
    public static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
