namespace Lodge.Linux.Sysfs;

/// <summary>Asks a program for its version (e.g. runs <c>qemu-system-x86_64 --version</c>).</summary>
public interface IToolVersionProbe
{
    /// <summary>The first line the program prints for <c>--version</c>, or null when it cannot be run.</summary>
    string? Probe(string realPath);

    /// <summary>Whether QEMU (<paramref name="qemuRealPath"/>) can run a KVM guest with the host CPU: "ok" or the reason; null when not asked.</summary>
    string? ProbeKvm(string qemuRealPath) => null;

    /// <summary>True when the last <see cref="ProbeKvm"/> answer came from the per-boot cache instead of a QEMU run.</summary>
    bool LastKvmProbeCached => false;

    /// <summary>The machine types and CPU properties of QEMU (<paramref name="qemuRealPath"/>); null when not asked.</summary>
    Lodge.Core.Hardware.QemuCapabilities? ProbeQemuCapabilities(string qemuRealPath) => null;
}
