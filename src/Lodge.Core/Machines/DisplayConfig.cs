namespace Lodge.Core.Machines;

/// <summary><c>[display]</c>: <c>none</c>, <c>spice</c>, <c>vnc</c> or <c>looking-glass</c>.</summary>
public sealed record DisplayConfig(string Type = "spice");
