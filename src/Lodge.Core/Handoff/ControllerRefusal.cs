using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>Why a machine's <c>[[usb]] controller</c> cannot go to vfio-pci: what <c>lodge up</c> refuses and <c>lodge check</c> reports, in the same sentence.</summary>
/// <param name="Controller">The function the refusal is about (a controller, or a companion of it).</param>
/// <param name="Code">The problem code <c>lodge check</c> prints (<c>controller-group</c>, <c>controller-no-iommu</c>,
/// <c>controller-disk-in-use</c>, <c>controller-keyboard</c>, <c>controller-missing</c>).</param>
/// <param name="Message">The sentence.</param>
/// <param name="Fix">What to do about it.</param>
public sealed record ControllerRefusal(PciAddress Controller, string Code, string Message, string Fix);
