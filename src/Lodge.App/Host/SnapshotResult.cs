namespace Lodge.App.Host;

/// <summary>What <c>lodge snapshot</c> wrote.</summary>
/// <param name="Path">The archive.</param>
/// <param name="Paths">How many host paths it holds.</param>
/// <param name="PciDevices">How many PCI devices the host has.</param>
public sealed record SnapshotResult(string Path, int Paths, int PciDevices);
