namespace Lodge.Core.Doctor;

/// <summary>The outcome of one doctor check.</summary>
public enum CheckStatus
{
    Ok,
    Info,
    Warning,
    Fail,
    Unknown,
}
