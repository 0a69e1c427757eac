namespace Lodge.Core.Qemu;

/// <summary>evdev keyboards and mice (input-linux objects) and the guest-side virtio or USB input devices.</summary>
/// <remarks>A replugged device gets a new event node and QEMU's object then points at nothing; the by-id path at
/// least survives a reboot.</remarks>
public sealed partial class QemuArgvBuilder
{
    private void AddInput()
    {
        var input = _plan.Input;
        for (var i = 0; i < input.Keyboards.Count; i++)
        {
            Add("-object", $"input-linux,id=kbd{i},evdev={input.Keyboards[i]},grab_all=on,repeat=on,grab-toggle={input.Toggle}");
        }

        for (var i = 0; i < input.Mice.Count; i++)
        {
            Add("-object", $"input-linux,id=mouse{i},evdev={input.Mice[i]}");
        }

        if (input.UsbInput)
        {
            Add("-device", "usb-kbd,bus=xhci.0");
            Add("-device", "usb-tablet,bus=xhci.0");
            return;
        }

        Add("-device", $"virtio-keyboard-pci,{GuestPciSlots.OnRoot(GuestPciSlots.Keyboard)}");
        Add("-device", (input.HasEvdev ? "virtio-mouse-pci," : "virtio-tablet-pci,") + GuestPciSlots.OnRoot(GuestPciSlots.Pointer));
    }
}
