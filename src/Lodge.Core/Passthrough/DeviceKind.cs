using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>What a passthrough candidate is, by class code.</summary>
public enum DeviceKind
{
    Other,
    Gpu,
    Usb,
    Audio,
    Network,
}

/// <summary>Maps class codes to <see cref="DeviceKind"/>.</summary>
public static class DeviceKinds
{
    /// <summary>GPU (0x03xxxx), USB controller (0x0c03xx), audio (0x0401xx, 0x0403xx), network (0x02xxxx), else other.</summary>
    public static DeviceKind Of(PciClass? cls) => cls switch
    {
        null => DeviceKind.Other,
        { IsGpu: true } => DeviceKind.Gpu,
        { IsUsbController: true } => DeviceKind.Usb,
        { IsAudio: true } => DeviceKind.Audio,
        { IsNetwork: true } => DeviceKind.Network,
        _ => DeviceKind.Other,
    };

    /// <summary>The JSON and table word: gpu, usb, audio, network, other.</summary>
    public static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.Gpu => "gpu",
        DeviceKind.Usb => "usb",
        DeviceKind.Audio => "audio",
        DeviceKind.Network => "network",
        _ => "other",
    };

    /// <summary>A human word for a class, used in findings: "USB controller", "audio device", ...</summary>
    public static string Describe(PciClass? cls) => cls switch
    {
        null => "device of unknown class",
        { IsVga: true } => "VGA controller",
        { Is3dController: true } => "3D controller",
        { IsGpu: true } => "display controller",
        { IsUsbController: true } => "USB controller",
        { IsAudio: true } => "audio device",
        { IsNetwork: true } => "network controller",
        { IsPciBridge: true } => "PCI bridge",
        { IsHostBridge: true } => "host bridge",
        { Code: 0x0106 } => "SATA controller",
        { Code: 0x0108 } => "NVMe controller",
        { Code: 0x0601 } => "ISA bridge",
        { Code: 0x0c05 } => "SMBus controller",
        { BaseClass: 0x01 } => "storage controller",
        { BaseClass: 0x06 } => "bridge",
        { BaseClass: 0x08 } => "system peripheral",
        { BaseClass: 0x10 } => "encryption controller",
        { BaseClass: 0x11 } => "signal processing controller",
        { BaseClass: 0x13 } => "non-essential instrumentation",
        _ => "device",
    };
}
