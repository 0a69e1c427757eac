using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lodge.Linux.Runtime;

/// <summary>Builds the JSON contracts of a type and of everything it holds before the first real read or write needs them.</summary>
/// <remarks>The first use of a source-generated contract configures it (its properties, converters and those of every
/// nested type): about 2 ms per root type here, a visible part of a detached start. A supervisor waiting to be told to
/// start (<see cref="Processes.StartGate"/>) does it while it waits, so its read of launch.json and its first state.json
/// cost only the parse; <c>up --detach</c> does it on another thread while it plans, for its write of launch.json and its
/// reads of state.json.</remarks>
public static class JsonWarmUp
{
    /// <summary>The launch spec's and guest state's contracts: what a detached start reads and writes first.</summary>
    public static void DetachedStart()
    {
        Configure(LaunchSpecJson.Default.Options, typeof(Lodge.Core.Runtime.LaunchSpec));
        Configure(GuestStateJson.Default.Options, typeof(GuestState));
    }

    private static void Configure(JsonSerializerOptions options, Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>();
        pending.Push(root);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type) || !options.TryGetTypeInfo(type, out var info))
            {
                continue;
            }

            foreach (var property in info.Properties)
            {
                pending.Push(property.PropertyType);
            }

            if (info.ElementType is { } element)
            {
                pending.Push(element);
            }

            if (info.KeyType is { } key)
            {
                pending.Push(key);
            }
        }
    }
}
