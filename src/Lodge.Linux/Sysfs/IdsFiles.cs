using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Finds the system's pci.ids and usb.ids under the host root.</summary>
public static class IdsFiles
{
    private static readonly string[] PciCandidates = ["/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids"];
    private static readonly string[] UsbCandidates = ["/usr/share/hwdata/usb.ids", "/usr/share/misc/usb.ids", "/usr/share/usb.ids"];

    /// <summary>Opens whichever files exist; ids alone are shown for what they do not name.</summary>
    /// <remarks>pci.ids is opened now and read by position (<see cref="HostFile"/>); usb.ids only when a USB name is first looked up.</remarks>
    public static IdsDatabase Load(HostRoot root) => new(OpenFirst(root, PciCandidates), () => OpenFirst(root, UsbCandidates));

    private static IdsText? OpenFirst(HostRoot root, string[] candidates)
    {
        foreach (var c in candidates)
        {
            if (root.OpenFile(c, 16 << 20) is { } file)
            {
                return new FileText(file);
            }
        }

        return null;
    }

    private sealed class FileText(HostFile file) : IdsText
    {
        public override long Length => file.Length;

        public override int Read(long offset, Span<byte> into) => file.Read(offset, into);
    }
}
