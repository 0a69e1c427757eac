namespace Lodge.App.Demo;

/// <summary>What <c>lodge demo</c> measured, for its summary.</summary>
/// <param name="ImageBuild">Building (or loading from the cache) the kernel and initramfs.</param>
/// <param name="QemuToQmp">From starting QEMU (after helpers) to QMP answering.</param>
/// <param name="BootToUserSpace">From starting QEMU to the guest's init printing its first line.</param>
/// <param name="ShareRoundTrip">From user space to the guest's report appearing in the host folder.</param>
/// <param name="Shutdown">From the ACPI power-down request to QEMU exiting and the helpers stopped.</param>
public sealed record DemoTimings(TimeSpan ImageBuild, bool ImageCached, TimeSpan QemuToQmp, TimeSpan BootToUserSpace, TimeSpan ShareRoundTrip, TimeSpan Shutdown);
