using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Finds the system's pci.ids and usb.ids under the host root.</summary>
public static class IdsFiles
{
    private static readonly string[] PciCandidates = ["/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids"];
    private static readonly string[] UsbCandidates = ["/usr/share/hwdata/usb.ids", "/usr/share/misc/usb.ids", "/usr/share/usb.ids"];

    /// <summary>Loads whichever files exist; ids alone are shown for what they do not name.</summary>
    /// <remarks>pci.ids is read now, as bytes; usb.ids only when a USB name is first looked up.</remarks>
    public static IdsDatabase Load(HostRoot root) => new(ReadFirst(root, PciCandidates), () => ReadFirst(root, UsbCandidates));

    private static ReadOnlyMemory<byte>? ReadFirst(HostRoot root, string[] candidates)
    {
        foreach (var c in candidates)
        {
            var text = root.MapBytes(c, 16 << 20);
            if (text is not null)
            {
                return text;
            }
        }

        return null;
    }
}
