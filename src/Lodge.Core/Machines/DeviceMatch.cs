using Lodge.Core.Hardware;

namespace Lodge.Core.Machines;

/// <summary>The devices a spec such as <c>10de:2206</c> names on a host; exactly one is a match, none or several is an error.</summary>
/// <param name="IsWellFormed">False when the spec is neither an identity nor an address.</param>
public sealed record DeviceMatch(string Spec, bool IsWellFormed, IReadOnlyList<PciDevice> Matches)
{
    /// <summary>The one device, or null when the spec matched none or several.</summary>
    public PciDevice? Device => Matches.Count == 1 ? Matches[0] : null;
}
