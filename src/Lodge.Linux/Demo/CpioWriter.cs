using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Lodge.Linux.Demo;

/// <summary>Writes a gzip-compressed cpio archive in the "newc" format the kernel unpacks as an initramfs (kernel <c>Documentation/driver-api/early-userspace/buffer-format.rst</c>).</summary>
public sealed class CpioWriter : IDisposable
{
    private readonly Stream _stream;
    private int _inode = 1;

    /// <summary>Writes to <paramref name="path"/>, replacing it.</summary>
    public CpioWriter(string path)
    {
        _stream = new GZipStream(File.Create(path), CompressionLevel.Fastest);
    }

    /// <summary>Adds a directory.</summary>
    public void AddDirectory(string name) => Add(name, Convert.ToInt32("40755", 8), []);

    /// <summary>Adds a regular file with <paramref name="mode"/> (e.g. 0755).</summary>
    public void AddFile(string name, byte[] content, int mode) => Add(name, Convert.ToInt32("100000", 8) | mode, content);

    /// <summary>Adds a symbolic link.</summary>
    public void AddSymlink(string name, string target) => Add(name, Convert.ToInt32("120777", 8), Encoding.UTF8.GetBytes(target));

    /// <summary>Writes the trailer and closes the archive.</summary>
    public void Dispose()
    {
        Add("TRAILER!!!", 0, []);
        _stream.Dispose();
    }

    private void Add(string name, int mode, byte[] data)
    {
        // newc header: "070701" then 13 eight-digit hex fields, then the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes.
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var fields = new[] { _inode++, mode, 0, 0, 1, 0, data.Length, 0, 0, 0, 0, nameBytes.Length, 0 };
        var header = new StringBuilder("070701");
        foreach (var field in fields)
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }

        Write(Encoding.ASCII.GetBytes(header.ToString()));
        Write(nameBytes);
        Pad(110 + nameBytes.Length);
        Write(data);
        Pad(data.Length);
    }

    private void Write(byte[] bytes) => _stream.Write(bytes);

    private void Pad(int length)
    {
        var pad = (4 - (length % 4)) % 4;
        _stream.Write(new byte[pad]);
    }
}
