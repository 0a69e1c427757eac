namespace Lodge.Core.Hardware;

/// <summary>A line of <c>/proc/modules</c>: name, reference count and the modules that use it.</summary>
public sealed record LoadedModule(string Name, int? RefCount, IReadOnlyList<string> UsedBy);
