namespace Lodge.Core.Machines;

/// <summary>A place in a machine file: 1-based line and column, printed as <c>file:line:column</c>.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
