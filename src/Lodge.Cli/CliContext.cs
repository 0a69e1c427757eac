using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli;

/// <summary>What a command may touch of the outside: a console to render to, raw output streams, a clock, and the run and state folders.</summary>
/// <param name="Console">Rich output (tables, reports).</param>
/// <param name="Out">Raw standard output, for JSON and argv that must not be wrapped.</param>
/// <param name="Error">Standard error.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error)
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Standard input, for the few questions a command asks (publish's confirmation).</summary>
    public TextReader In { get; init; } = System.Console.In;

    /// <summary>Where guests keep their files: the one source of run and state folders for every command (<c>LODGE_RUN_DIR</c>, <c>LODGE_STATE_DIR</c>).</summary>
    public RuntimeRoots Roots { get; init; } = RuntimeRoots.FromEnvironment();
}
