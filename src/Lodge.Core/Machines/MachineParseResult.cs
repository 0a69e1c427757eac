namespace Lodge.Core.Machines;

/// <summary>What <see cref="MachineParser.Parse"/> made of a file: the machine (defaults where keys were bad) and every problem found.</summary>
public sealed record MachineParseResult(MachineConfig Machine, IReadOnlyList<Problem> Problems);
