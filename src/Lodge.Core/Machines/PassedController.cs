using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>One <c>[[usb]] controller</c> entry as the host resolves it: the controller and the companions that go with it.</summary>
/// <param name="Entry">The entry's index in <see cref="MachineConfig.Usb"/>.</param>
/// <param name="Controller">The controller the entry names.</param>
/// <param name="Companions">The other functions of its slot in its IOMMU group, which the guest gets with it.</param>
public sealed record PassedController(int Entry, PciAddress Controller, IReadOnlyList<PciAddress> Companions)
{
    /// <summary>The controller, then its companions.</summary>
    public IReadOnlyList<PciAddress> Functions => [Controller, .. Companions];

    /// <summary>Every <c>[[usb]] controller</c> entry of <paramref name="machine"/> that names exactly one device of
    /// <paramref name="host"/>, in file order: what the plan passes and <c>lodge up</c> gives to vfio-pci.</summary>
    public static IReadOnlyList<PassedController> Of(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(assessments);
        var result = new List<PassedController>();
        for (var i = 0; i < machine.Usb.Count; i++)
        {
            if (machine.Usb[i].Controller is { } spec && DeviceMatcher.Find(spec, host.PciDevices).Device is { } device)
            {
                var companions = assessments.FirstOrDefault(a => a.Device.Address == device.Address)?.Companions.Where(c => c != device.Address).Order().ToList() ?? [];
                result.Add(new PassedController(i, device.Address, companions));
            }
        }

        return result;
    }

    /// <summary><c>host_keyboard = true</c> on any <c>[[usb]] controller</c> entry: the host's only keyboard may go with it.</summary>
    public static bool HostKeyboardGiven(MachineConfig machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return machine.Usb.Any(u => u.Controller is not null && u.HostKeyboard);
    }
}
