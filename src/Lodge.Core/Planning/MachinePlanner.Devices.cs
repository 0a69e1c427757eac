using System.Globalization;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Planning;

/// <summary>GPU, USB and input: every device is found by identity each time a plan is made.</summary>
/// <remarks>
/// <c>rom = "auto"</c> uses the card's own ROM (a clean dump is the user's call, named by path). evdev <c>auto</c>
/// takes every keyboard and mouse the host shows under /dev/input/by-id. macOS has no virtio-input driver, so it gets
/// usb-kbd and usb-tablet instead.
/// </remarks>
public static partial class MachinePlanner
{
    // What the handoff's watchdog asks before it trusts the guest with the GPU (issue 13, item 6).
    private static PlanDecision Watchdog(MachineConfig machine)
    {
        var checks = new List<string> { "QMP running" };
        if (machine.GuestAgent)
        {
            checks.Add("guest-agent ping");
        }

        if (machine.Health.Command is { Count: > 0 } command)
        {
            checks.Add($"health command '{command[0]}'");
        }

        var within = machine.Health.WithinSeconds;
        var reason = checks.Count == 1
            ? $"QMP 'running' is all this machine offers, and every QEMU that starts says it, so a black screen goes unseen; set [guest] agent = true (with the QEMU guest agent in the guest) or a [health] command. The guest gets {within} s."
            : $"The guest gets {within} s to pass every check, else it is powered off and the GPU comes back.";
        return new("watchdog", string.Join(" + ", checks), reason);
    }

    private static GpuPlan PlanGpu(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, List<PlanDecision> decisions)
    {
        if (machine.Gpu is { Mode: GpuMode.GvtG } gvt)
        {
            return PlanGvtG(machine, gvt, host, decisions);
        }

        if (machine.Gpu is not { Mode: GpuMode.Dedicated or GpuMode.Handoff } gpu)
        {
            var mode = machine.Gpu?.Mode ?? GpuMode.None;
            decisions.Add(new("gpu", mode == GpuMode.Virtio ? "virtio-gpu" : "emulated", mode switch
            {
                GpuMode.Virtio => "The machine asks for an emulated virtio GPU.",
                _ => "No GPU goes to the guest, so it gets an emulated one.",
            }));
            return new GpuPlan(mode, null, [], null, true);
        }

        DeviceAssessment assessment;
        string how;
        if (gpu.Device == "auto")
        {
            assessment = MachineValidator.PickAutoGpu(gpu.Mode, assessments)
                ?? throw new ConfigException($"This host has no GPU that '{machine.Name}' can take in {gpu.Mode.Word()} mode.") { Hint = $"Run 'lodge check {machine.Name}' to see why." };
            how = gpu.Mode == GpuMode.Handoff ? "the boot GPU, picked by 'auto'" : "the first passable GPU the host does not boot on, picked by 'auto'";
        }
        else
        {
            var match = DeviceMatcher.Find(gpu.Device, host.PciDevices);
            var device = match.Device
                ?? throw new ConfigException($"The GPU '{gpu.Device}' of '{machine.Name}' matches {match.Matches.Count} devices on this host.") { Hint = $"Run 'lodge check {machine.Name}' to see the fix." };
            assessment = assessments.First(a => a.Device.Address == device.Address);
            how = $"found by '{gpu.Device}'";
        }

        // The card's other functions (HDMI/DP audio, USB-C, UCSI) go with it even when the IOMMU puts them in groups of
        // their own, as the handoff binds them all to vfio-pci: the same rule as HandoffPlanner's endpoints.
        var gpuAddress = assessment.Device.Address;
        var sameSlot = host.PciDevices.Where(d => d.Address.IsSameSlot(gpuAddress) && d.Class is not ({ IsPciBridge: true } or { IsHostBridge: true })).Select(d => d.Address);
        var functions = new List<PciAddress> { gpuAddress };
        functions.AddRange(assessment.Companions.Union(sameSlot).Where(c => c != gpuAddress).Distinct().Order());
        if (functions.Count > 8)
        {
            throw new ConfigException($"The GPU at {gpuAddress} of '{machine.Name}' has {functions.Count} functions to pass, more than the 8 of one guest slot.") { Hint = $"Run 'lodge devices' to see its IOMMU group, and 'lodge check {machine.Name}'." };
        }

        var rom = gpu.Rom is "auto" or "none" ? null : gpu.Rom;
        var goes = functions.Count > 1
            ? $"its other functions {string.Join(", ", functions.Skip(1))} go with it as {(functions.Count == 2 ? "function 1" : $"functions 1-{functions.Count - 1}")} of the same guest slot (the card at function 0, multifunction=on)"
            : "the card has no other function and nothing else in its IOMMU group has to go with it";
        decisions.Add(new("gpu", string.Join(", ", functions), $"{assessment.Device.DisplayName} at {assessment.Device.Address} is {how}; {goes}."));
        if (gpu.Mode is GpuMode.Handoff or GpuMode.Dedicated)
        {
            decisions.Add(Watchdog(machine));
        }
        if (gpu.Rom != "auto")
        {
            decisions.Add(new("gpu rom", rom ?? "ROM BAR off", rom is null ? "The machine hides the card's ROM from the guest." : "The machine supplies a clean ROM file, as a boot GPU's shadowed ROM often needs."));
        }

        return new GpuPlan(gpu.Mode, assessment.Device, functions, rom, gpu.Rom != "none");
    }

    private static List<PciAddress> PlanUsbControllers(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, List<PlanDecision> decisions)
    {
        var result = new List<PciAddress>();
        foreach (var passed in PassedController.Of(machine, host, assessments))
        {
            var companions = passed.Companions;
            result.AddRange(passed.Functions);
            var with = companions.Count > 0 ? $", with its IOMMU group companions {string.Join(", ", companions)}," : "";
            decisions.Add(new("usb controller", string.Join(", ", passed.Functions), $"'{machine.Usb[passed.Entry].Controller}' names this controller{with} so every port on it goes to the guest, hot-plug included."));
        }

        return result;
    }

    private static List<UsbPlan> PlanUsbDevices(MachineConfig machine, List<PlanDecision> decisions)
    {
        var result = new List<UsbPlan>();
        foreach (var spec in machine.Usb.Select(u => u.Device).OfType<string>())
        {
            if (spec.StartsWith("port:", StringComparison.Ordinal))
            {
                // "port:1-4.2": bus 1, port path 4.2 (the kernel's usb device name).
                var path = spec[5..];
                var dash = path.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0 && int.TryParse(path[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var bus))
                {
                    result.Add(new UsbPlan(null, null, bus, path[(dash + 1)..]));
                    decisions.Add(new("usb", $"host port {path}", "Whatever is plugged into this port goes to the guest."));
                }

                continue;
            }

            var ids = spec.Split(':');
            result.Add(new UsbPlan(ushort.Parse(ids[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ushort.Parse(ids[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), null, null));
            decisions.Add(new("usb", spec, "This vendor:product goes to the guest wherever it is plugged in."));
        }

        return result;
    }

    private static InputPlan PlanInput(MachineConfig machine, HostSnapshot host, IReadOnlyList<PciAddress> passedControllers, List<PlanDecision> decisions)
    {
        var usbInput = machine.Os == GuestOs.MacOs;
        var guestSide = usbInput ? "usb-kbd + usb-tablet (macOS has no virtio-input driver)" : "virtio-keyboard + virtio-mouse";
        List<string> keyboards = [];
        List<string> mice = [];
        if (machine.Input.Evdev == "list" && machine.Input.Paths is { } paths)
        {
            var full = paths.Select(p => p.StartsWith('/') ? p : "/dev/input/by-id/" + p).ToList();
            keyboards = [.. full.Where(p => p.Contains("kbd", StringComparison.Ordinal))];
            mice = [.. full.Where(p => !p.Contains("kbd", StringComparison.Ordinal))];
        }
        else if (machine.Input.Evdev == "auto")
        {
            // A keyboard or mouse on a passed controller goes to the guest with it: its event node is gone once the
            // controller is on vfio-pci, and QEMU would fail to open it (lab scenario 9).
            var stays = host.InputDevices.Where(d => d.Controller is not { } c || !passedControllers.Contains(c)).ToList();
            keyboards = [.. stays.Where(d => d.IsKeyboard).SelectMany(d => d.ById.Where(p => p.EndsWith("-event-kbd", StringComparison.Ordinal)).Take(1)).Order(StringComparer.Ordinal)];
            mice = [.. stays.Where(d => d.IsMouse && !d.IsKeyboard).SelectMany(d => d.ById.Where(p => p.EndsWith("-event-mouse", StringComparison.Ordinal)).Take(1)).Order(StringComparer.Ordinal)];
        }

        var plan = new InputPlan(keyboards, mice, machine.Input.Toggle, usbInput);
        decisions.Add(plan.HasEvdev
            ? new("input", $"evdev {string.Join(", ", keyboards.Concat(mice))}; guest {guestSide}", $"Keyboard and mouse go to the guest directly; {machine.Input.Toggle} switches them between host and guest.")
            : new("input", $"guest {(usbInput ? "usb-kbd + usb-tablet" : "virtio-keyboard + virtio-tablet")}", machine.Input.Evdev == "none"
                ? "The machine turns evdev off, so input comes through the remote display."
                : passedControllers.Count > 0 && host.InputDevices.Any(d => d.Controller is { } c && passedControllers.Contains(c) && (d.IsKeyboard || d.IsMouse))
                    ? "The host's other keyboards and mice are not under /dev/input/by-id, and those on the passed controller go to the guest with it."
                    : "The host shows no keyboard or mouse under /dev/input/by-id, so input comes through the remote display."));
        return plan;
    }
}
