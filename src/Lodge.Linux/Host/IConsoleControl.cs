using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>The host console writes of a single-GPU handoff: vtconsole binds and firmware framebuffer binds.</summary>
/// <remarks>Documentation/ABI/testing/sysfs-class-vtconsole and sysfs-bus-platform. Same timeout and error rules as <see cref="IDriverControl"/>.</remarks>
public interface IConsoleControl
{
    /// <summary>Writes <c>1</c> or <c>0</c> to <c>/sys/class/vtconsole/&lt;id&gt;/bind</c>; <paramref name="id"/> is <c>vtconN</c>.</summary>
    Task SetVtConsoleBindAsync(string id, bool bound, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Unbinds a framebuffer device (e.g. <c>efi-framebuffer.0</c>) from its platform driver.</summary>
    Task UnbindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Binds a framebuffer device back to its platform driver. Fails on some kernels (a known bug); plan for it.</summary>
    Task BindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default);
}
