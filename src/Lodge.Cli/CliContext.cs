using System.CommandLine;
using Lodge.App;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli;

/// <summary>What a command may touch of the outside: a console to render to, raw output streams, and the options its
/// world (<see cref="LodgeHost"/>) is built from.</summary>
/// <param name="Console">Rich output (tables, reports).</param>
/// <param name="Out">Raw standard output, for JSON and argv that must not be wrapped.</param>
/// <param name="Error">Standard error.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error)
{
    /// <summary>The environment, clock and doubles every command's <see cref="LodgeHost"/> is built from; the command line
    /// adds <c>--root</c>, <c>--config-dir</c> and <c>--reports-db</c>.</summary>
    public LodgeOptions Options { get; init; } = LodgeOptions.FromProcess();

    /// <summary>The one clock.</summary>
    public TimeProvider Time => Options.Time;

    /// <summary>Where guests keep their files (from <see cref="LodgePaths"/>, the one source of run and state folders).</summary>
    public RuntimeRoots Roots => LodgePaths.Resolve(Options).Roots;

    /// <summary>The world of one invocation: the options with the command line's global options.</summary>
    public LodgeHost Host(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return LodgeHost.Create(Options with
        {
            RootPath = parse.GetValue(LodgeApp.RootOption) ?? "/",
            ConfigDir = parse.GetValue(LodgeApp.ConfigDirOption),
            ReportsDb = parse.GetValue(Commands.ReportCommand.DatabaseOption),
        });
    }
}
