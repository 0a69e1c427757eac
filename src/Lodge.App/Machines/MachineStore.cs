using Lodge.Core;
using Lodge.Core.Machines;

namespace Lodge.App.Machines;

/// <summary>The folder of machine files (<see cref="LodgePaths.ConfigDir"/>: <c>/etc/lodge/machines</c> as root, else <c>$XDG_CONFIG_HOME/lodge/machines</c>).</summary>
public sealed class MachineStore
{
    public MachineStore(string directory)
    {
        Directory = directory;
    }

    /// <summary>The largest machine file read: 1 MiB.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>The folder holding <c>NAME.toml</c> files.</summary>
    public string Directory { get; }

    /// <summary>The file of machine <paramref name="name"/>; throws when the name could escape the folder.</summary>
    public string PathOf(string name)
    {
        // The same rule as at the command line's boundary (MachineName), for callers that did not come through it.
        if (MachineName.CheckForm(name) is { } bad)
        {
            throw bad;
        }

        return Path.Combine(Directory, name + ".toml");
    }

    /// <summary>Reads and parses one machine; throws when its file does not exist.</summary>
    public MachineParseResult Load(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new ConfigException($"There is no machine '{name}' in '{Directory}'.") { Hint = $"Run 'lodge new {name} --os OS' to create it, or 'lodge list' to see the machines." };
        }

        return Read(path, name);
    }

    /// <summary>Every machine in the folder, by name; empty when the folder does not exist.</summary>
    public IReadOnlyList<MachineParseResult> LoadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return [.. System.IO.Directory.EnumerateFiles(Directory, "*.toml")
            .Order(StringComparer.Ordinal)
            .Select(path => Read(path, Path.GetFileNameWithoutExtension(path)))];
    }

    // A machine file is a few hundred bytes; a huge one (35 MB made every command take 28 s) is refused unread, and
    // only that machine is affected.
    private static MachineParseResult Read(string path, string name)
    {
        long length;
        string text;
        try
        {
            length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
            {
                return MachineParser.Unreadable(path, name, $"'{path}' is {length / 1024} KiB, more than a machine file may be ({MaxFileBytes / 1024} KiB).", "Move the file out of the machines folder, or cut it down to the machine's own keys.");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return MachineParser.Unreadable(path, name, $"'{path}' cannot be read: {e.Message}", "Check the file's permissions, or move it out of the machines folder.");
        }

        return MachineParser.Parse(text, path, name);
    }
}
