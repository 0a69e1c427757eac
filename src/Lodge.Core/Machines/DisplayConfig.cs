namespace Lodge.Core.Machines;

/// <summary><c>[display]</c>: <c>none</c>, <c>spice</c>, <c>vnc</c> or <c>looking-glass</c>.</summary>
/// <param name="Resolution">The guest's largest screen as <c>WIDTHxHEIGHT</c>; sizes the Looking Glass shared memory.</param>
public sealed record DisplayConfig(string Type = "spice", string Resolution = "1920x1080")
{
    /// <summary>The width and height of <see cref="Resolution"/>, or null when it is not <c>WIDTHxHEIGHT</c>.</summary>
    public (int Width, int Height)? Size
    {
        get
        {
            var parts = Resolution.Split('x');
            return parts.Length == 2 && int.TryParse(parts[0], out var w) && int.TryParse(parts[1], out var h) && w is > 0 and <= 16384 && h is > 0 and <= 16384
                ? (w, h)
                : null;
        }
    }
}
