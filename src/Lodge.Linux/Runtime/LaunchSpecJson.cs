using System.Text.Json;
using System.Text.Json.Serialization;
using Lodge.Core.Runtime;

namespace Lodge.Linux.Runtime;

/// <summary>Reads and writes a <see cref="LaunchSpec"/> as JSON: how <c>up --detach</c> hands the spec to its supervisor, and the input of <c>lodge up-spec</c>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LaunchSpec))]
public sealed partial class LaunchSpecJson : JsonSerializerContext
{
    /// <summary>The spec as indented JSON.</summary>
    public static string Write(LaunchSpec spec) => JsonSerializer.Serialize(spec, Default.LaunchSpec);

    /// <summary>Parses a spec; throws <see cref="GuestRuntimeException"/> naming the file when it is not one.</summary>
    public static LaunchSpec Read(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Default.LaunchSpec)
                ?? throw new GuestRuntimeException("?", $"The launch spec '{source}' is empty.");
        }
        catch (JsonException e)
        {
            throw new GuestRuntimeException("?", $"The launch spec '{source}' is not valid JSON for a launch spec.", e);
        }
    }
}
