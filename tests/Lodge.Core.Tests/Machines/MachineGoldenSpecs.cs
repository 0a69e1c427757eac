using Lodge.Core.Machines;
using Lodge.Testing;

namespace Lodge.Core.Tests.Machines;

/// <summary>Each <c>Golden/machines/CASE.toml</c> names its fixture host on its first line (<c># host: NAME</c>); <c>CASE.err</c> holds every problem.</summary>
public sealed class MachineGoldenSpecs
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Golden", "machines");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateFiles(Dir, "*.toml").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void I_get_every_problem_of_a_machine_with_its_place_and_fix(string name)
    {
        // Arrange
        var text = File.ReadAllText(Path.Combine(Dir, name + ".toml"));
        var hostName = text.Split('\n')[0].Replace("# host:", "", StringComparison.Ordinal).Trim();
        var (host, assessments) = FixtureHosts.Load(hostName);
        var others = Directory.EnumerateFiles(Dir, "*.other")
            .Select(p => MachineParser.Parse(File.ReadAllText(p), Path.GetFileName(p), Path.GetFileNameWithoutExtension(p)).Machine)
            .ToList();

        // Act
        var parsed = MachineParser.Parse(text, name + ".toml", name);
        var problems = parsed.Problems.Concat(MachineValidator.Validate(parsed.Machine, host, assessments, others))
            .OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column);

        // Assert
        Golden.Match(Path.Combine(Dir, name + ".err"), string.Concat(problems.Select(p => p.Format() + "\n")));
    }
}
