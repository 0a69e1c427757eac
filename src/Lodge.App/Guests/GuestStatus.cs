using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>What <c>lodge status</c> shows about one running guest: its recorded state plus what QMP answered.</summary>
/// <param name="RunState">QMP's run state ("running", "paused", ...), or null when QMP did not answer.</param>
/// <param name="UsbDevices">USB devices from HMP <c>info usb</c>, one line each.</param>
public sealed record GuestStatus(GuestState State, TimeSpan Uptime, string? RunState, IReadOnlyList<string> UsbDevices);
