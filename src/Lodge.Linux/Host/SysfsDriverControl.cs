using System.Globalization;
using System.Text;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>The production writer: PCI driver, console, framebuffer and reset_method writes to the sysfs files under a <see cref="HostRoot"/>.</summary>
/// <remarks>
/// Paths are resolved on the caller's thread (through the root, so they stay confined to it); only the write itself runs
/// on the dedicated thread of <see cref="HostWrite"/>. Each value is written the way <c>echo</c> writes it, with a trailing
/// newline, which every attribute used here accepts (the kernel compares names with <c>sysfs_streq</c>).
/// </remarks>
public sealed partial class SysfsDriverControl(HostRoot root) : IDriverControl, IConsoleControl, IResetMethodControl
{
    private const string PciDevices = "/sys/bus/pci/devices";

    /// <summary>lodge's own executable, when PCI, vtconsole, framebuffer and reset_method writes run in a child process
    /// (<see cref="ChildProcessWrite"/>), so that a write stuck in the kernel never keeps Lodge from exiting; null writes on
    /// a thread of this process (<see cref="HostWrite"/>).</summary>
    public string? ChildWriter { get; init; }

    /// <summary>Where a <see cref="ChildWriter"/> child's stderr is kept until it ends: the host's scratch folder.</summary>
    public string ChildLogFolder { get; init; } = "/tmp";

    private const string PciDrivers = "/sys/bus/pci/drivers";

    /// <inheritdoc/>
    public Task UnbindAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        RequireDevice(HostAction.Unbind, bdf);
        var current = root.ReadLinkName($"{PciDevices}/{bdf}/driver");
        if (current is null)
        {
            return Task.CompletedTask;
        }

        var unbind = Resolve($"{PciDrivers}/{HostNames.Driver(current)}/unbind");

        // HOST EFFECT: detaches the device from its driver (its driver link disappears); undone by BindAsync or ProbeDriversAsync.
        return Write(HostAction.Unbind, bdf, unbind, bdf + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task BindAsync(PciAddress address, string driver, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        var bind = Resolve($"{PciDrivers}/{HostNames.Driver(driver)}/bind");

        // HOST EFFECT: attaches the device to the driver; undone by UnbindAsync.
        return Write(HostAction.Bind, bdf, bind, bdf + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task SetDriverOverrideAsync(PciAddress address, string? driver, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        var text = driver is null ? "\n" : HostNames.Driver(driver) + "\n";
        var file = Resolve($"{PciDevices}/{bdf}/driver_override");

        // HOST EFFECT: only this driver may bind the device from now on (a bare newline clears it); undone by
        // SetDriverOverrideAsync with the previous value.
        return Write(HostAction.SetDriverOverride, bdf, file, text, timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task ProbeDriversAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        var file = Resolve("/sys/bus/pci/drivers_probe");

        // HOST EFFECT: binds an unbound device to its override or matching driver; undone by UnbindAsync.
        return Write(HostAction.ProbeDrivers, bdf, file, bdf + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task NewIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var file = Resolve($"{PciDrivers}/{HostNames.Driver(driver)}/new_id");
        var id = IdText(vendorId, deviceId);

        // HOST EFFECT: the driver matches (and binds) every unbound device with this id; undone by RemoveIdAsync.
        return Write(HostAction.NewId, driver, file, id + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task RemoveIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var file = Resolve($"{PciDrivers}/{HostNames.Driver(driver)}/remove_id");
        var id = IdText(vendorId, deviceId);

        // HOST EFFECT: the driver stops matching this id (bound devices stay bound); undone by NewIdAsync.
        return Write(HostAction.RemoveId, driver, file, id + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task SetResetMethodAsync(PciAddress address, string methods, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        var text = HostNames.ResetMethod(methods) + "\n";
        var file = Resolve($"{PciDevices}/{bdf}/reset_method");

        // HOST EFFECT: changes how the kernel resets the device; undone by SetResetMethodAsync with the previous value.
        return Write(HostAction.SetResetMethod, bdf, file, text, timeout, cancellationToken);
    }

    // new_id takes "vendor device" in hex without 0x (Documentation/ABI/testing/sysfs-bus-pci): "1002 73bf".
    private static string IdText(ushort vendorId, ushort deviceId) =>
        string.Create(CultureInfo.InvariantCulture, $"{vendorId:x4} {deviceId:x4}");

    private void RequireDevice(HostAction action, string bdf)
    {
        if (!root.DirectoryExists($"{PciDevices}/{bdf}"))
        {
            throw new HostWriteException(action, bdf, $"There is no PCI device '{bdf}' in '{PciDevices}'.");
        }
    }

    private (string HostPath, string RealPath) Resolve(string hostPath) => (hostPath, root.ToReal(root.Canonicalize(hostPath)));

    internal static Task WriteAttribute(HostAction action, string target, string hostPath, string realPath, string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        WriteOnThread(action, target, (hostPath, realPath), text, timeout, cancellationToken);

    private Task Write(HostAction action, string target, (string HostPath, string RealPath) file, string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        ChildWriter is { } writer
            ? ChildProcessWrite.RunAsync(writer, ChildLogFolder, action, target, file.HostPath, file.RealPath, text, timeout, cancellationToken)
            : WriteOnThread(action, target, file, text, timeout, cancellationToken);

    private static Task WriteOnThread(HostAction action, string target, (string HostPath, string RealPath) file, string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        HostWrite.RunAsync(action, target, () => WriteNow(action, target, file, text), timeout, cancellationToken);

    private static void WriteNow(HostAction action, string target, (string HostPath, string RealPath) file, string text)
    {
        try
        {
            // Truncate, never create: a sysfs attribute that does not exist means the kernel has no such object.
            using var stream = new FileStream(file.RealPath, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1, FileOptions.None);
            stream.Write(Encoding.ASCII.GetBytes(text));
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostWriteException(action, target, $"Writing '{text.TrimEnd('\n')}' to '{file.HostPath}' failed for '{target}'.", e);
        }
    }
}
