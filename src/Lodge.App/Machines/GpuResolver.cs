using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.App.Machines;

/// <summary>Finds a machine's GPU on a host by identity (or <c>auto</c>), the same way <c>lodge check</c> does.</summary>
public static class GpuResolver
{
    /// <summary>The GPU's address on <paramref name="host"/>; throws <see cref="ConfigException"/> when the machine has none or it is not found.</summary>
    public static PciAddress Resolve(MachineConfig machine, HostSnapshot host)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (machine.Gpu is not { Mode: GpuMode.Dedicated or GpuMode.Handoff } gpu)
        {
            throw new ConfigException($"Machine '{machine.Name}' has no [gpu] with mode 'handoff' or 'dedicated', so there is nothing to hand off.") { Hint = "Set mode = \"handoff\" or \"dedicated\" under [gpu]." };
        }

        if (gpu.Device == "auto")
        {
            return MachineValidator.PickAutoGpu(gpu.Mode, PassthroughAdvisor.Assess(host))?.Device.Address
                ?? throw new ConfigException($"Machine '{machine.Name}' asks for device = \"auto\", and this host has no GPU that suits mode '{gpu.Mode}'.") { Hint = "Run 'lodge devices' to see the GPUs and their verdicts." };
        }

        return DeviceMatcher.Find(gpu.Device, host.PciDevices).Device?.Address
            ?? throw new ConfigException($"Machine '{machine.Name}' names GPU '{gpu.Device}', which matches no single device on this host.") { Hint = "Run 'lodge check' to see why." };
    }
}
