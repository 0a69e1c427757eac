namespace Lodge.App.Guests;

/// <summary><c>lodge usb attach|detach NAME DEVICE</c>.</summary>
/// <param name="Machine">The running guest.</param>
/// <param name="Device"><c>VVVV:PPPP</c> or <c>port:BUS-PORT</c> (and, with the test hooks, <c>emulated:DRIVER</c>).</param>
/// <param name="Attach">Attach (hot-plug) or detach (unplug and wait for the guest to let go).</param>
public sealed record UsbRequest(string Machine, string Device, bool Attach);
