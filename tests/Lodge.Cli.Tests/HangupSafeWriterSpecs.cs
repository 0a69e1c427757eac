using System.Text;
using Lodge.Cli;

namespace Lodge.Cli.Tests;

/// <summary>A terminal that hangs up mid-command (found by the lab, scenario 5: the terminal dies with the display
/// manager a handoff stops, and every later write to it fails with EIO) must not fail the command.</summary>
public sealed class HangupSafeWriterSpecs
{
    [Fact]
    public void Writes_before_the_hangup_arrive_and_writes_after_it_are_dropped_without_an_exception()
    {
        // Arrange
        var terminal = new TerminalThatHangsUp(linesBeforeHangup: 1);
        var writer = new HangupSafeWriter(terminal);

        // Act
        writer.WriteLine("Handing '0000:00:02.0' to 'lab'");
        writer.WriteLine("Stopping the display manager");
        writer.Write('x');
        writer.Write("y");
        writer.Write(['z'], 0, 1);
        writer.Flush();

        // Assert
        Assert.Equal("Handing '0000:00:02.0' to 'lab'" + Environment.NewLine, terminal.Written.ToString());
        Assert.True(writer.IsGone);
        Assert.Equal(2, terminal.Attempts);
    }

    [Fact]
    public void A_terminal_that_stays_writes_everything()
    {
        // Arrange
        var inner = new StringWriter();
        var writer = new HangupSafeWriter(inner);

        // Act
        writer.WriteLine("one");
        writer.Write("two");
        writer.Flush();

        // Assert
        Assert.Equal("one" + Environment.NewLine + "two", inner.ToString());
        Assert.False(writer.IsGone);
    }

    [Fact]
    public void JSON_on_standard_output_goes_to_its_stream_as_the_same_bytes_the_text_path_writes()
    {
        // Arrange: standard output as Program.cs makes it (a StreamWriter with text already buffered, under the guard)
        var stream = new MemoryStream();
        var stdout = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        var writer = new HangupSafeWriter(stdout);
        writer.Write("before ");
        static void Document(System.Text.Json.Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("name", "é \"q\" <b>");
            w.WriteNumber("n", 3);
            w.WriteEndObject();
        }

        // Act
        Json.JsonOutput.WriteTo(writer, Document);
        writer.Write("after");
        writer.Flush();

        // Assert: in order, and byte for byte what the text path (Build) gives
        Assert.Equal("before " + Json.JsonOutput.Build(Document) + "after", Encoding.UTF8.GetString(stream.ToArray()));
        Assert.False(writer.IsGone);
    }

    [Fact]
    public void A_stream_that_fails_during_JSON_drops_the_output_without_an_exception()
    {
        // Arrange
        var writer = new HangupSafeWriter(new StreamWriter(new StreamThatHangsUp()));

        // Act
        Json.JsonOutput.WriteTo(writer, w => w.WriteStringValue("x"));
        writer.WriteLine("later");

        // Assert
        Assert.True(writer.IsGone);
    }

    private sealed class StreamThatHangsUp : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get => 0; set { } }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Input/output error");
    }

    private sealed class TerminalThatHangsUp(int linesBeforeHangup) : TextWriter
    {
        public StringBuilder Written { get; } = new();

        public int Attempts { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            Attempts++;
            if (Attempts > linesBeforeHangup)
            {
                throw new IOException("Input/output error");
            }

            Written.Append(value).Append(Environment.NewLine);
        }

        public override void Write(char value)
        {
            Attempts++;
            throw new IOException("Input/output error");
        }
    }
}
