namespace Lodge.App.Autostart;

/// <summary>What starts at boot: the machines whose unit is enabled, and the dashboard.</summary>
/// <param name="Guests">Machine names, sorted.</param>
/// <param name="Serve">Whether <c>lodge-serve.service</c> is enabled.</param>
public sealed record AutostartState(IReadOnlyList<string> Guests, bool Serve);
