using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lodge.Linux.Runtime;

/// <summary>Source-generated JSON for state.json (NativeAOT-safe, no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestState))]
internal sealed partial class GuestStateJson : JsonSerializerContext
{
    public static string Write(GuestState state) => JsonSerializer.Serialize(state, Default.GuestState);

    public static GuestState? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Default.GuestState);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
