using System.Runtime.InteropServices;
using System.Text;

namespace Lodge.Linux;

/// <summary>The few libc calls .NET does not expose cheaply.</summary>
internal static partial class Native
{
    /// <summary>readlink(2): the raw target of a symlink, or null when the path is not a link (one syscall, no lstat).</summary>
    public static string? ReadLink(string path)
    {
        Span<byte> buffer = stackalloc byte[4096];
        var n = readlink(path, ref MemoryMarshal.GetReference(buffer), buffer.Length);
        return n <= 0 ? null : Encoding.UTF8.GetString(buffer[..(int)n]);
    }

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, ref byte buffer, nint size);
}
