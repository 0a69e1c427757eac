namespace Lodge.Qmp.Commands;

/// <summary>One entry of <c>query-chardev</c>: a character device and where it is connected.</summary>
/// <remarks>Sample: <c>{"frontend-open": true, "filename": "unix:/run/lodge/qmp.sock,server=on", "label": "compat_monitor0"}</c>.</remarks>
/// <param name="Label">The chardev id, such as <c>compat_monitor0</c>.</param>
/// <param name="Filename">QEMU's description of the backend, such as <c>unix:/path,server=on</c> or <c>pty:/dev/pts/3</c>.</param>
/// <param name="FrontendOpen">Whether the device that uses the chardev has it open.</param>
public sealed record QmpChardevInfo(string Label, string Filename, bool FrontendOpen);
