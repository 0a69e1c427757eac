namespace Lodge.Core.Hardware;

/// <summary>The Device/Port Type field of the PCI Express Capabilities register (PCIe base spec 7.5.3.2).</summary>
public enum PciePortType
{
    Endpoint = 0x0,
    LegacyEndpoint = 0x1,
    RootComplexIntegratedEndpoint = 0x9,
    RootComplexEventCollector = 0xa,
    RootPort = 0x4,
    UpstreamPort = 0x5,
    DownstreamPort = 0x6,
    PcieToPciBridge = 0x7,
    PciToPcieBridge = 0x8,
}
