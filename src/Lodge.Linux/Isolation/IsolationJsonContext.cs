using System.Text.Json.Serialization;

namespace Lodge.Linux.Isolation;

/// <summary>Source-generated JSON for the isolation journal (NativeAOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CpuIsolationJournal.Entry))]
internal sealed partial class IsolationJsonContext : JsonSerializerContext;
