namespace Lodge.Core;

/// <summary>An operation was called while its object was in a state that does not allow it.</summary>
public sealed class InvalidStateException(string message, string state, string required)
    : LodgeException(message)
{
    public string State { get; } = state;

    public string Required { get; } = required;
}
