namespace Lodge.Core.Hardware;

/// <summary>The identity fields of a configuration space header (offsets 0x00-0x0b and 0x2c-0x2f).</summary>
public sealed record PciConfigHeader(ushort? VendorId, ushort? DeviceId, ushort? SubsystemVendorId, ushort? SubsystemDeviceId, PciClass? Class, byte? Revision);
