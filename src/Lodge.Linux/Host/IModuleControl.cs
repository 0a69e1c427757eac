namespace Lodge.Linux.Host;

/// <summary>Loads and unloads kernel modules (<c>modprobe NAME</c>, <c>modprobe -r NAME</c>).</summary>
/// <remarks>Unloading a module in use fails (<see cref="HostWriteException"/>); unloading one that is not loaded fails too, as modprobe does.</remarks>
public interface IModuleControl
{
    /// <summary>Loads a module and its dependencies; nothing happens when it is loaded already.</summary>
    Task LoadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Unloads a module, and then its dependencies that nothing uses any more.</summary>
    Task UnloadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>The modules a load of <paramref name="module"/> brings (its dependencies and soft dependencies, as
    /// <c>modprobe --show-depends</c> lists them), itself excluded; null when unknown.</summary>
    Task<IReadOnlyList<string>?> DependenciesAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>?>(null);
}
