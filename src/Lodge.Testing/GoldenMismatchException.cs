namespace Lodge.Testing;

/// <summary>Generated output differs from its golden file.</summary>
public sealed class GoldenMismatchException(string message) : Exception(message);
