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
