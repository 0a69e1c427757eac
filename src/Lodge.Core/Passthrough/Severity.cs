namespace Lodge.Core.Passthrough;

/// <summary>How much a finding matters.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}
