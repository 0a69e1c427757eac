using System.Text;

namespace Lodge.Core.Machines;

/// <summary>The one rule for a machine name, checked at the boundary of every command that takes one.</summary>
/// <remarks>
/// A name becomes a file name (<c>NAME.toml</c>) and a folder below the run and state roots, and the guest's sockets
/// live in that run folder. A unix socket path holds at most 107 bytes plus its NUL (<c>sun_path[108]</c>, unix(7)),
/// so the name must leave room for <c>RUN_ROOT/NAME/serial.sock</c>, the longest socket name that does not depend on
/// a share tag (share tags are checked by <see cref="MachineSafety"/>).
/// </remarks>
public static class MachineName
{
    /// <summary>The longest name, whatever the run folder.</summary>
    public const int MaxLength = 64;

    /// <summary>The bytes a socket path may hold, without the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    /// <summary>The longest fixed socket file name in a guest's run folder.</summary>
    public const string LongestSocket = "serial.sock";

    /// <summary>Null when <paramref name="name"/> is a valid machine name below <paramref name="runRoot"/>; else the exception to throw.</summary>
    public static ConfigException? Check(string name, string runRoot)
    {
        ArgumentNullException.ThrowIfNull(runRoot);
        if (CheckForm(name) is { } bad)
        {
            return bad;
        }

        var socket = $"{runRoot.TrimEnd('/')}/{name}/{LongestSocket}";
        var bytes = Encoding.UTF8.GetByteCount(socket);
        if (bytes > MaxSocketPathBytes)
        {
            var room = name.Length - (bytes - MaxSocketPathBytes);
            return new ConfigException($"The machine name '{name}' is too long for its sockets: '{Shown(socket)}' has {bytes} bytes, and a unix socket path holds at most {MaxSocketPathBytes}.") { Hint = room > 0 ? $"Use a name of at most {room} characters, or a shorter LODGE_RUN_DIR." : "Use a shorter LODGE_RUN_DIR." };
        }

        return null;
    }

    /// <summary>The part of the rule that needs no run folder: characters and length. Null when <paramref name="name"/> passes.</summary>
    public static ConfigException? CheckForm(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxLength)
        {
            return new ConfigException($"The machine name '{Shown(name[..16])}...' has {name.Length} characters; a machine name has at most {MaxLength}.") { Hint = "Pick a shorter name, such as 'win11'." };
        }

        return name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? new ConfigException($"'{Shown(name)}' is not a machine name.") { Hint = $"Use up to {MaxLength} letters, digits, '-', '_' and '.', starting with a letter or digit, such as 'win11'." }
            : null;
    }

    /// <summary>Throws <see cref="ConfigException"/> unless <paramref name="name"/> is valid below <paramref name="runRoot"/>.</summary>
    public static void Require(string name, string runRoot)
    {
        if (Check(name, runRoot) is { } problem)
        {
            throw problem;
        }
    }

    // A bad name is printed back, so it is shown escaped and cut short.
    private static string Shown(string text) => TerminalText.Escape(text.Length > 80 ? text[..80] + "..." : text);
}
