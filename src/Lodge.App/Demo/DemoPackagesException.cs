using Lodge.Core;

namespace Lodge.App.Demo;

/// <summary>Packages the demo needs are missing and could not be installed.</summary>
public sealed class DemoPackagesException(IReadOnlyList<string> missing)
    : LodgeException($"lodge demo needs these packages, which are missing: {string.Join(", ", missing)}.")
{
    /// <summary>The missing Debian package names.</summary>
    public IReadOnlyList<string> Missing { get; } = missing;
}
