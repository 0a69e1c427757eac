namespace Lodge.Core.Hardware;

/// <summary>A firmware framebuffer platform device bound to its driver, e.g. <c>efi-framebuffer.0</c> on <c>efi-framebuffer</c>.</summary>
/// <param name="Driver">efi-framebuffer, simple-framebuffer (simpledrm or simplefb) or vesa-framebuffer.</param>
public sealed record Framebuffer(string Device, string Driver);
