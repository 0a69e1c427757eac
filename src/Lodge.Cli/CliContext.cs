using Spectre.Console;

namespace Lodge.Cli;

/// <summary>What a command may touch of the outside: a console to render to, raw output streams, and a clock.</summary>
/// <param name="Console">Rich output (tables, reports).</param>
/// <param name="Out">Raw standard output, for JSON and argv that must not be wrapped.</param>
/// <param name="Error">Standard error.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error)
{
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
