namespace Lodge.Core.Planning;

/// <summary>Keyboards and mice handed to the guest through evdev, and the guest-side input devices.</summary>
/// <param name="Keyboards">Paths under /dev/input/by-id, grabbed with grab_all.</param>
/// <param name="Mice">Paths under /dev/input/by-id.</param>
/// <param name="Toggle">The key combination that switches between host and guest.</param>
/// <param name="UsbInput">True for macOS, which has no virtio-input driver: usb-kbd and usb-tablet instead.</param>
public sealed record InputPlan(IReadOnlyList<string> Keyboards, IReadOnlyList<string> Mice, string Toggle, bool UsbInput)
{
    /// <summary>True when any evdev device is passed.</summary>
    public bool HasEvdev => Keyboards.Count + Mice.Count > 0;
}
