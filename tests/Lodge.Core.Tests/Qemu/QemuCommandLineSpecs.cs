using System.Diagnostics;
using Lodge.Core.Qemu;
using Lodge.Core.Tests.Planning;

namespace Lodge.Core.Tests.Qemu;

/// <summary>The <c>.args</c> text, pasted into bash, gives back exactly the argv it was made from.</summary>
public sealed class QemuCommandLineSpecs
{
    public static TheoryData<string> Cases() => [.. PlanCases.Names];

    [Theory(Timeout = 20000)]
    [MemberData(nameof(Cases))]
    public async Task The_argv_of_every_golden_plan_survives_a_round_trip_through_bash(string name)
    {
        // Arrange
        var argv = QemuArgvBuilder.Build(PlanCases.Load(name).Plan);

        // Act
        var parsed = await ThroughBashAsync(QemuCommandLine.Format(argv));

        // Assert
        Assert.Equal(argv, parsed);
    }

    [Fact(Timeout = 20000)]
    public async Task Arguments_with_spaces_quotes_dollars_and_nothing_at_all_survive_a_round_trip_through_bash()
    {
        // Arrange
        string[] argv = ["/usr/bin/qemu-system-x86_64", "-name", "a b", "-append", "it's $HOME `id` \"x\"", "-x", "", "-y", "*"];

        // Act
        var parsed = await ThroughBashAsync(QemuCommandLine.Format(argv));

        // Assert
        Assert.Equal(argv, parsed);
    }

    private static async Task<List<string>> ThroughBashAsync(string text)
    {
        // The first word is the program; printf stands in for it and prints each argument NUL-terminated.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync("f() { printf '%s\\0' \"$@\"; }\nf " + text);
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return [.. output.Split('\0')[..^1]];
    }
}
