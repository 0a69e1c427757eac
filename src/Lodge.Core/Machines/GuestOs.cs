namespace Lodge.Core.Machines;

/// <summary>The <c>os</c> key: which guest profile applies.</summary>
public enum GuestOs
{
    Windows11,
    Windows10,
    MacOs,
    Linux,
    Other,
}
