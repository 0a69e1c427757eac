namespace Lodge.Core.Hardware;

/// <summary>A QEMU firmware descriptor (<c>/usr/share/qemu/firmware/*.json</c>, docs/interop/firmware.json).</summary>
public sealed record FirmwareDescriptor
{
    /// <summary>The descriptor's file name, which orders descriptors the way libvirt does.</summary>
    public required string FileName { get; init; }

    public string? Description { get; init; }

    /// <summary>uefi, bios, ...</summary>
    public IReadOnlyList<string> InterfaceTypes { get; init; } = [];

    /// <summary>secure-boot, enrolled-keys, requires-smm, acpi-s3, amd-sev, verbose-dynamic, ...</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Machine globs per architecture, e.g. x86_64 → pc-q35-*.</summary>
    public IReadOnlyList<FirmwareTarget> Targets { get; init; } = [];

    /// <summary>mapping.device: flash, kernel or memory.</summary>
    public string? Device { get; init; }

    public string? Executable { get; init; }

    public string? NvramTemplate { get; init; }

    /// <summary>raw or qcow2.</summary>
    public string? Format { get; init; }

    public bool HasFeature(string feature) => Features.Contains(feature);
}
