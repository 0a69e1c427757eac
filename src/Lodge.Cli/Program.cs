namespace Lodge.Cli;

/// <summary>The entry point.</summary>
public static class Program
{
    /// <summary>Runs lodge.</summary>
    public static int Main(string[] args) => args.Length >= 0 ? 0 : 1;
}
