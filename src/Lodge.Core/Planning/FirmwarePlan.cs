namespace Lodge.Core.Planning;

/// <summary>The firmware the guest boots: OVMF code and a per-guest NVRAM copy, or SeaBIOS (no files).</summary>
/// <param name="Code">The read-only code image; null for SeaBIOS.</param>
/// <param name="NvramTemplate">The variable-store template; null for SeaBIOS.</param>
/// <param name="Nvram">The guest's own copy in its state folder; null for SeaBIOS.</param>
/// <param name="Format">raw or qcow2.</param>
/// <param name="Descriptor">The descriptor file it came from, or null.</param>
public sealed record FirmwarePlan(bool Uefi, bool SecureBoot, string? Code, string? NvramTemplate, string? Nvram, string Format, string? Descriptor)
{
    /// <summary>Secure-boot OVMF needs SMM (and a secure flash), enforced together.</summary>
    public bool Smm => SecureBoot;
}
