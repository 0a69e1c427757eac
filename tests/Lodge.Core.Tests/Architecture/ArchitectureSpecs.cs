using System.Reflection;

namespace Lodge.Core.Tests.Architecture;

/// <summary>Dependencies point one way (house style §2): Cli -> App -> Linux -> Qmp -> Core (the guest runtime in Linux drives QMP), and Core references only the BCL.</summary>
public sealed class ArchitectureSpecs
{
    private static string[] LodgeReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Lodge", StringComparison.Ordinal)).Order().ToArray();

    // Tomlyn is the one exception: a pure TOML parser (text in, syntax tree out) with no I/O, used by Machines/.
    private static readonly string[] AllowedPureLibraries = ["Tomlyn"];

    [Fact]
    public void The_core_references_nothing_but_the_base_class_library_and_pure_parsers()
    {
        // Arrange
        var core = typeof(Lodge.Core.LodgeException).Assembly;

        // Act
        var references = core.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        // Assert
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib" || AllowedPureLibraries.Contains(name), $"Lodge.Core references '{name}'."));
    }

    [Fact]
    public void The_linux_layer_depends_on_the_core_and_the_qmp_client_which_depends_only_on_the_core()
    {
        // Arrange
        var dir = AppContext.BaseDirectory;

        // Act
        var linux = LodgeReferences(Assembly.LoadFrom(Path.Combine(dir, "Lodge.Linux.dll")));
        var qmp = LodgeReferences(Assembly.LoadFrom(Path.Combine(dir, "Lodge.Qmp.dll")));

        // Assert
        Assert.Equal(["Lodge.Core", "Lodge.Qmp"], linux);
        Assert.Equal(["Lodge.Core"], qmp);
    }
}
