namespace Lodge.Core.Machines;

/// <summary><c>[gpu]</c>.</summary>
/// <param name="Device"><c>auto</c>, <c>vendor:device[:subvendor:subdevice]</c>, or a PCI address; see <see cref="DeviceMatcher"/>.</param>
/// <param name="Rom"><c>auto</c>, <c>none</c> or a path to a ROM file.</param>
public sealed record GpuConfig(string Device = "auto", GpuMode Mode = GpuMode.Dedicated, string Rom = "auto");
