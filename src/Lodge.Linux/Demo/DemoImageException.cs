using Lodge.Core;

namespace Lodge.Linux.Demo;

/// <summary>The demo guest's image could not be built (no kernel, no static busybox, a failed download).</summary>
public sealed class DemoImageException(string message, Exception? innerException = null) : LodgeException(message, innerException);
