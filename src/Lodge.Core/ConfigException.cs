using Lodge.Core.Machines;

namespace Lodge.Core;

/// <summary>A machine definition is missing, malformed, or cannot be used on this host.</summary>
public sealed class ConfigException : LodgeException
{
    public ConfigException(string message, IReadOnlyList<Problem>? problems = null)
        : base(message)
    {
        Problems = problems ?? [];
    }

    /// <summary>The problems that made the definition unusable; empty when the file itself is missing.</summary>
    public IReadOnlyList<Problem> Problems { get; }
}
