using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lodge.Cli.Json;

/// <summary>Writes indented JSON through <see cref="Utf8JsonWriter"/>: AOT-safe, field order fixed, nulls written.</summary>
public static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs <paramref name="write"/> against a writer and returns the text with a trailing newline.</summary>
    public static string Build(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Runs <paramref name="write"/> against a writer on <paramref name="output"/>, then a newline.</summary>
    /// <remarks>
    /// On standard output (a <see cref="StreamWriter"/>, also under <see cref="HangupSafeWriter"/>) the UTF-8 goes straight to the stream: no string of the whole
    /// document, no second encoding. Any other writer gets <see cref="Build"/>'s text: the same bytes.
    /// </remarks>
    public static void WriteTo(TextWriter output, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        void ToStream(Stream stream)
        {
            using (var writer = new Utf8JsonWriter(stream, Options))
            {
                write(writer);
            }

            stream.Write("\n"u8);
        }

        // Standard output is a HangupSafeWriter over a StreamWriter (Program.cs): its stream takes the bytes.
        if (output is HangupSafeWriter safe && safe.TryWriteBytes(ToStream))
        {
            return;
        }

        if (output is StreamWriter { BaseStream: { CanWrite: true } stream } streamWriter)
        {
            streamWriter.Flush();
            ToStream(stream);
            return;
        }

        output.Write(Build(write));
    }

    /// <summary>Writes a string or null.</summary>
    public static void StringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Writes a number or null.</summary>
    public static void NumberOrNull(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Writes a boolean or null.</summary>
    public static void BoolOrNull(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v)
        {
            w.WriteBoolean(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Writes an array of strings.</summary>
    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes a value as its text (as <c>ToString(format)</c> would), or null, without a string of its own: PCI
    /// addresses and classes, hexadecimal ids (format <c>x4</c>).</summary>
    public static void Formatted<T>(this Utf8JsonWriter w, string name, T? value, string? format = null)
        where T : struct, ISpanFormattable
    {
        if (value is not { } v)
        {
            w.WriteNull(name);
            return;
        }

        Span<char> text = stackalloc char[32];
        w.WriteString(name, v.TryFormat(text, out var n, format, CultureInfo.InvariantCulture) ? text[..n] : v.ToString(format, CultureInfo.InvariantCulture));
    }

    /// <summary>Writes an array of PCI addresses as their text.</summary>
    public static void Addresses(this Utf8JsonWriter w, string name, IReadOnlyList<Core.Hardware.PciAddress> addresses)
    {
        Span<char> text = stackalloc char[32];
        w.WriteStartArray(name);
        foreach (ISpanFormattable address in addresses)
        {
            w.WriteStringValue(address.TryFormat(text, out var n, default, CultureInfo.InvariantCulture) ? text[..n] : address.ToString());
        }

        w.WriteEndArray();
    }
}
