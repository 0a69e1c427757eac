using System.Text.Json;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>QEMU firmware descriptors (docs/interop/firmware.json), found and ordered the way libvirt does.</summary>
/// <remarks>
/// libvirt (src/qemu/qemu_interop_config.c) gathers <c>*.json</c> from <c>/usr/share/qemu/firmware</c> and
/// <c>/etc/qemu/firmware</c>: a file in /etc replaces the same-named one in /usr/share, an empty file in /etc hides
/// it, and the result is sorted by file name (hence the <c>40-</c>, <c>50-</c> prefixes). The per-user
/// <c>$XDG_CONFIG_HOME/qemu/firmware</c> is not read: Lodge runs QEMU as the system sees it.
/// </remarks>
public sealed partial class SysfsScanner
{
    private static readonly string[] FirmwareDirs = ["/usr/share/qemu/firmware", "/etc/qemu/firmware"];

    private IReadOnlyList<FirmwareDescriptor> ScanFirmware()
    {
        // Later directories win, so /etc overrides /usr/share.
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in FirmwareDirs)
        {
            foreach (var name in _root.ListDirectory(dir))
            {
                if (name.EndsWith(".json", StringComparison.Ordinal) && !_root.DirectoryExists(HostRoot.Combine(dir, name)))
                {
                    files[name] = HostRoot.Combine(dir, name);
                }
            }
        }

        var result = new List<FirmwareDescriptor>();
        foreach (var (name, path) in files)
        {
            var text = _root.ReadText(path, 1 << 20);
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (ParseFirmwareDescriptor(name, text) is { } descriptor)
            {
                result.Add(descriptor);
            }
        }

        return result;
    }

    // {
    //     "description": "UEFI firmware for x86_64, with Secure Boot and SMM, SB enabled, MS certs enrolled",
    //     "interface-types": [ "uefi" ],
    //     "mapping": {
    //         "device": "flash",
    //         "executable": { "filename": "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "format": "raw" },
    //         "nvram-template": { "filename": "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", "format": "raw" }
    //     },
    //     "targets": [ { "architecture": "x86_64", "machines": [ "pc-q35-*" ] } ],
    //     "features": [ "acpi-s3", "amd-sev", "enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic" ],
    //     "tags": [ ]
    // }
    // A "memory" (or "kernel") device has "mapping": { "device": "memory", "filename": "..." } instead.
    internal static FirmwareDescriptor? ParseFirmwareDescriptor(string fileName, string json)
    {
        JsonDocument document;
        try
        {
            // Strict JSON, as QEMU and libvirt parse it: no comments, no trailing commas.
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var mapping = Property(root, "mapping");
            var executable = Property(mapping, "executable");
            return new FirmwareDescriptor
            {
                FileName = fileName,
                Description = StringProperty(root, "description"),
                InterfaceTypes = StringArray(Property(root, "interface-types")),
                Features = StringArray(Property(root, "features")),
                Targets = Targets(Property(root, "targets")),
                Device = StringProperty(mapping, "device"),
                Executable = StringProperty(executable, "filename") ?? StringProperty(mapping, "filename"),
                NvramTemplate = StringProperty(Property(mapping, "nvram-template"), "filename"),
                Format = StringProperty(executable, "format"),
            };
        }
    }

    private static IReadOnlyList<FirmwareTarget> Targets(JsonElement? targets)
    {
        var result = new List<FirmwareTarget>();
        if (targets is not { ValueKind: JsonValueKind.Array } array)
        {
            return result;
        }

        foreach (var target in array.EnumerateArray())
        {
            if (StringProperty(target, "architecture") is { } architecture)
            {
                result.Add(new FirmwareTarget(architecture, StringArray(Property(target, "machines"))));
            }
        }

        return result;
    }

    private static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;

    private static string? StringProperty(JsonElement? element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    // Entries that are not strings are skipped; a missing or non-array value is an empty list.
    private static IReadOnlyList<string> StringArray(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }

        var result = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { } s)
            {
                result.Add(s);
            }
        }

        return result;
    }
}
