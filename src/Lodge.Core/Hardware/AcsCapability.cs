namespace Lodge.Core.Hardware;

/// <summary>The PCIe Access Control Services extended capability (id 0x000D): capability and control bits.</summary>
/// <remarks>Bits: 0 source validation, 1 translation blocking, 2 P2P request redirect, 3 P2P completion redirect,
/// 4 upstream forwarding, 5 P2P egress control, 6 direct translated P2P (PCIe base spec 7.7.8).</remarks>
public sealed record AcsCapability(ushort Capabilities, ushort Control)
{
    /// <summary>The controls Linux requires for isolation (pci_acs_enabled: SV, RR, CR, UF).</summary>
    public const ushort RequiredForIsolation = 0x1 | 0x4 | 0x8 | 0x10;

    /// <summary>True when every isolation control that the port supports is enabled.</summary>
    public bool IsolationEnabled => (Control & (Capabilities & RequiredForIsolation)) == (Capabilities & RequiredForIsolation);
}
