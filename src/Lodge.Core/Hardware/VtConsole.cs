namespace Lodge.Core.Hardware;

/// <summary>A <c>/sys/class/vtconsole/vtconN</c> entry.</summary>
/// <param name="Name">e.g. <c>(S) dummy device</c> or <c>(M) frame buffer device</c>.</param>
public sealed record VtConsole(string Id, string? Name, bool? Bound)
{
    /// <summary>Only frame buffer consoles are unbound for a handoff.</summary>
    public bool IsFramebuffer => Name?.Contains("frame buffer", StringComparison.OrdinalIgnoreCase) == true;
}
