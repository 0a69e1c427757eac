using Spectre.Console;

namespace Lodge.Cli;

/// <summary>The console lodge writes tables and reports to: the terminal as it is, or, when standard output is a pipe or a
/// file, one as wide as <c>COLUMNS</c> says, else one that never wraps.</summary>
/// <remarks>A wrapped line in a file splits what scripts grep for (addresses, ids, fixes); a terminal's width means nothing there.</remarks>
public static class ConsoleOutput
{
    /// <summary>The width used for a pipe or a file without <c>COLUMNS</c>: wide enough that no line ever wraps.</summary>
    public const int Unbounded = 1 << 20;

    /// <summary>The width for output that is not a terminal: <paramref name="columns"/> when it is a positive number, else <see cref="Unbounded"/>.</summary>
    public static int RedirectedWidth(string? columns) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0 ? c : Unbounded;

    /// <summary>The process's console: <see cref="AnsiConsole.Console"/> on a terminal, else a plain one of <see cref="RedirectedWidth"/>
    /// (<paramref name="columns"/>: <c>COLUMNS</c>, as the composition root's options read it).</summary>
    public static IAnsiConsole Create(string? columns)
    {
        if (!Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        return Redirected(Console.Out, columns);
    }

    /// <summary>A plain console on <paramref name="writer"/> (a file, a pipe), <see cref="RedirectedWidth"/> wide.</summary>
    public static IAnsiConsole Redirected(TextWriter writer, string? columns)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = RedirectedWidth(columns);
        return console;
    }
}
