using Lodge.Core.Hardware;
using Lodge.Core.Runtime;

namespace Lodge.Linux.Host;

/// <summary>Mediated devices through sysfs (Documentation/driver-api/vfio-mediated-device.rst): write the UUID to
/// <c>mdev_supported_types/TYPE/create</c> under the parent, and <c>1</c> to the device's <c>remove</c>.</summary>
public sealed class SysfsMdevControl(HostRoot root) : IMdevControl
{
    /// <inheritdoc/>
    public bool Exists(MdevSpec mdev) => root.DirectoryExists(mdev.SysfsPath);

    /// <inheritdoc/>
    public Task CreateAsync(MdevSpec mdev, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (parent, type, uuid) = Validate(mdev);
        var file = $"/sys/bus/pci/devices/{parent}/mdev_supported_types/{type}/create";
        // HOST EFFECT: creates the GVT-g slice the guest uses; RemoveAsync (after QEMU ends) deletes it.
        return SysfsDriverControl.WriteAttribute(HostAction.CreateMdev, uuid, file, root.ToReal(root.Canonicalize(file)), uuid + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task RemoveAsync(MdevSpec mdev, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (_, _, uuid) = Validate(mdev);
        var file = $"/sys/bus/mdev/devices/{uuid}/remove";
        // HOST EFFECT: deletes the GVT-g slice; the next start creates it again.
        return SysfsDriverControl.WriteAttribute(HostAction.RemoveMdev, uuid, file, root.ToReal(root.Canonicalize(file)), "1\n", timeout, cancellationToken);
    }

    // Every part reaches a sysfs path, so each is checked: an address, a type name of safe characters, a UUID.
    private static (string Parent, string Type, string Uuid) Validate(MdevSpec mdev)
    {
        if (!PciAddress.TryParse(mdev.Parent, out var parent) || parent.ToString() != mdev.Parent)
        {
            throw new ArgumentException($"'{mdev.Parent}' is not a PCI address.", nameof(mdev));
        }

        if (mdev.Type.Length is 0 or > 64 || !mdev.Type.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || mdev.Type.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{mdev.Type}' is not a mediated device type name.", nameof(mdev));
        }

        if (!Guid.TryParseExact(mdev.Uuid, "D", out _))
        {
            throw new ArgumentException($"'{mdev.Uuid}' is not a UUID.", nameof(mdev));
        }

        return (mdev.Parent, mdev.Type, mdev.Uuid.ToLowerInvariant());
    }
}
