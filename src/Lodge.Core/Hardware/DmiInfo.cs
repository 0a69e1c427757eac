namespace Lodge.Core.Hardware;

/// <summary>Board and firmware identity from <c>/sys/class/dmi/id</c>. Serial numbers and UUIDs are never read.</summary>
public sealed record DmiInfo(string? BoardVendor = null, string? BoardName = null, string? BiosVersion = null, string? ProductName = null);
