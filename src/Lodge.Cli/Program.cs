using Spectre.Console;

namespace Lodge.Cli;

/// <summary>The entry point: wires the real console and the real host into <see cref="LodgeApp"/>.</summary>
public static class Program
{
    /// <summary>Runs lodge with the process's console.</summary>
    public static int Main(string[] args)
    {
        var context = new CliContext(AnsiConsole.Console, Console.Out, Console.Error);
        return LodgeApp.Run(args, context);
    }
}
