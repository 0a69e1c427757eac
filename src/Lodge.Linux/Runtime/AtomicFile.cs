namespace Lodge.Linux.Runtime;

/// <summary>Writes a file so that it is either the old one or the whole new one, even after a full disk or a power cut:
/// write a temporary name in the same folder, fsync it, rename it over the target, then fsync the folder.</summary>
/// <remarks>
/// rename(2) within one filesystem is atomic, and fsync of the folder makes the rename itself durable (see the
/// ext4 and XFS guidance on replace-via-rename, and rename(2)). On any failure the temporary file is removed and the
/// target is left as it was; a short write (ENOSPC) surfaces as the <see cref="IOException"/> it is.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes), overwrite: true);
    }

    /// <summary>Replaces (or creates) <paramref name="path"/> with the UTF-8 <paramref name="text"/>.</summary>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>; with <paramref name="overwrite"/> false, an existing target is an <see cref="IOException"/>.</summary>
    public static void Copy(string source, string target, bool overwrite)
    {
        Write(target, stream =>
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read);
            input.CopyTo(stream);
        }, overwrite);
    }

    /// <summary>Writes through <paramref name="write"/> into a temporary file, then puts it in place.</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var temporary = TemporaryNameFor(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            PutInPlace(temporary, full, overwrite);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Puts a finished temporary file (made by another program, such as qemu-img) in place: fsync, rename, fsync the folder.</summary>
    public static void Commit(string temporary, string path, bool overwrite)
    {
        using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            stream.Flush(flushToDisk: true);
        }

        PutInPlace(temporary, path, overwrite);
    }

    /// <summary>Replaces (or creates) <paramref name="path"/> with the UTF-8 <paramref name="text"/> whole, through a
    /// rename, without waiting for the disk: for a file of a guest's run folder (state.json), which does not outlive a
    /// reboot. A reader, or a crash of this process, sees the old file or the whole new one; a power cut ends the guest
    /// too, and a state.json it left torn reads as no state (<see cref="GuestStateStore.Read"/>), which the next start
    /// replaces.</summary>
    /// <remarks>The run folder is on tmpfs (/run) on a usual host, where fsync costs nothing; where it is on a disk, the
    /// three fsyncs of <see cref="WriteText"/> cost about 1 ms each time a starting guest moves on.</remarks>
    public static void WriteVolatileText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temporary = TemporaryNameFor(full);
        try
        {
            File.WriteAllText(temporary, text);
            // HOST EFFECT: the finished file takes the target's name in one step; nothing ever sees it half-written.
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    // The file is on disk (fsynced): it takes the target's name in one step, and the folder is synced so the rename is too.
    private static void PutInPlace(string temporary, string path, bool overwrite)
    {
        // HOST EFFECT: the finished file takes the target's name in one step; nothing ever sees it half-written.
        File.Move(temporary, path, overwrite);
        Native.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>A name beside <paramref name="path"/> that no other writer uses: <c>.NAME.lodge-tmp-PID</c>.</summary>
    public static string TemporaryNameFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.lodge-tmp-{Environment.ProcessId}");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
