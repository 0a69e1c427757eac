using System.Xml.Linq;
using Lodge.Testing;

namespace Lodge.Core.Tests.Architecture;

/// <summary>Every project's references, pinned (house style §1): Cli/Web -> App -> Linux, Qmp -> Core; the test doubles
/// (Lodge.Testing) are for tests only. Read from the project files, so a project added later is checked too.</summary>
public sealed class ProjectReferenceSpecs
{
    // What each project under src/ may reference (directly); a project not listed here fails until it is added.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Lodge.Core"] = [],
        ["Lodge.Qmp"] = ["Lodge.Core"],
        ["Lodge.Linux"] = ["Lodge.Core", "Lodge.Qmp"],
        ["Lodge.App"] = ["Lodge.Core", "Lodge.Linux", "Lodge.Qmp"],
        ["Lodge.Cli"] = ["Lodge.App", "Lodge.Core", "Lodge.Linux"],
        ["Lodge.Web"] = ["Lodge.App", "Lodge.Core", "Lodge.Linux"],
        ["Lodge.Testing"] = ["Lodge.Core", "Lodge.Linux", "Lodge.Qmp"],
    };

    /// <summary>The Lodge projects <paramref name="project"/> references in its .csproj, by name.</summary>
    internal static IReadOnlyList<string> ReferencesOf(string project) =>
        [.. XDocument.Load(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_project_in_src_references_only_what_the_layering_allows_and_a_violation_names_the_reference()
    {
        // Act
        var violations = SourceProjects()
            .SelectMany(path =>
            {
                var name = Path.GetFileNameWithoutExtension(path);
                if (!Allowed.TryGetValue(name, out var allowed))
                {
                    return [$"'{name}' is not in the layering; add it to ProjectReferenceSpecs.Allowed with what it may reference."];
                }

                return ReferencesOf(path).Where(r => !allowed.Contains(r)).Select(r => $"'{name}' references '{r}', which it may not (allowed: {string.Join(", ", allowed)}).");
            })
            .ToList();

        // Assert
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.Contains("Lodge.App", Allowed.Keys);
        Assert.Contains(SourceProjects(), p => p.EndsWith("Lodge.App.csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_in_src_but_the_doubles_themselves_references_the_test_doubles()
    {
        // Act
        var offenders = SourceProjects()
            .Where(p => Path.GetFileNameWithoutExtension(p) != "Lodge.Testing" && ReferencesOf(p).Contains("Lodge.Testing"))
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();

        // Assert
        Assert.True(offenders.Count == 0, $"These projects reference Lodge.Testing: {string.Join(", ", offenders)}.");
    }

    [Fact]
    public void The_cli_reaches_the_application_through_lodge_app()
    {
        // Act
        var cli = ReferencesOf(Path.Combine(RepoPaths.Root, "src", "Lodge.Cli", "Lodge.Cli.csproj"));
        var app = ReferencesOf(Path.Combine(RepoPaths.Root, "src", "Lodge.App", "Lodge.App.csproj"));

        // Assert
        Assert.Contains("Lodge.App", cli);
        Assert.DoesNotContain("Lodge.Cli", app);
    }
}
