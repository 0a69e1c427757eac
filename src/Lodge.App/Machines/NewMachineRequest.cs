namespace Lodge.App.Machines;

/// <summary><c>lodge new NAME --os OS [--gpu GPU] | --like REPORT-ID</c>.</summary>
/// <param name="Name">The machine's name; its file is NAME.toml.</param>
/// <param name="Os">The OS's TOML word (<c>windows11</c>, ...); null with <paramref name="Like"/>.</param>
/// <param name="Gpu"><c>auto</c>, <c>none</c>, <c>vendor:device</c> or an address.</param>
/// <param name="Like">A report to start from (its catalog id, or first 8+ hex digits, or local id); null for the template.</param>
public sealed record NewMachineRequest(string Name, string? Os, string Gpu, string? Like);
