namespace Lodge.App.Guests;

/// <summary><c>lodge up NAME [--detach] [--tcg] [--reset-nvram]</c>.</summary>
/// <param name="Machine">The machine to start.</param>
/// <param name="Detach">Leave the guest under a background supervisor (refused for a machine that hands its GPU over).</param>
/// <param name="ForceTcg">Use QEMU's software emulator even when KVM works.</param>
/// <param name="ResetNvram">Replace the guest's NVRAM with a fresh copy of its firmware template first.</param>
public sealed record UpRequest(string Machine, bool Detach, bool ForceTcg, bool ResetNvram);
