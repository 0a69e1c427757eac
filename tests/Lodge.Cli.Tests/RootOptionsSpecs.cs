using System.Reflection;
using Spectre.Console.Testing;

namespace Lodge.Cli.Tests;

// The root's --help and --version are lodge's own options (LodgeApp: RootCommand and System.CommandLine's HelpOption and
// VersionOption load reflection metadata on every command); they behave as System.CommandLine's did.
public sealed class RootOptionsSpecs
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(new TestConsole().Width(120), stdout, stderr) { Options = CliRun.Options };
        var exit = LodgeApp.Run(args, context);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Version =>
        typeof(LodgeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    [Fact]
    public void Version_alone_prints_the_informational_version()
    {
        // Act
        var result = Run("--version");

        // Assert
        Assert.Equal(0, result.Exit);
        Assert.Equal(Version + Environment.NewLine, result.Out);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Out);
        Assert.Empty(result.Err);
    }

    [Fact]
    public void Version_with_another_option_is_not_taken_and_help_is_shown()
    {
        // Act
        var result = Run("--root", "/", "--version");

        // Assert
        Assert.DoesNotContain(Version, result.Out, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_after_a_command_is_an_unknown_argument()
    {
        // Act
        var result = Run("devices", "--version");

        // Assert
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Equal("Error: Unrecognized command or argument '--version'." + Environment.NewLine + "Run 'lodge --help' for usage." + Environment.NewLine, result.Err);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_lists_the_global_options_then_help_and_version(string option)
    {
        // Act
        var result = Run(option);

        // Assert
        Assert.Equal(0, result.Exit);
        var lines = result.Out.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('-')).ToList();
        Assert.Equal(["--root", "--config-dir", "--reports-db", "-?,", "--version"], lines.Select(l => l.Split(' ')[0]));
        Assert.Contains("-?, -h, --help", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_s_help_offers_help_and_not_version()
    {
        // Act
        var result = Run("devices", "--help");

        // Assert
        Assert.Equal(0, result.Exit);
        Assert.Contains("-?, -h, --help       Show help and usage information", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--version", result.Out, StringComparison.Ordinal);
        Assert.Contains("--json", result.Out, StringComparison.Ordinal);
    }
}
