using System.Text.Json.Serialization;

namespace Lodge.Web;

/// <summary>An action the dashboard started: <c>{"id", "title"}</c>.</summary>
public sealed record ActionStarted(string Id, string Title);

/// <summary>How an action ended: <c>{"exitCode", "error", "hint"}</c> (error and fix are lodge's own sentences).</summary>
public sealed record ActionEnded(int ExitCode, string? Error, string? Hint);

/// <summary>A request that was refused: <c>{"error", "hint"}</c>.</summary>
public sealed record WebError(string Error, string? Hint);

/// <summary>The handoff journal: <c>{"status", "clean", "gpu", "reason"}</c>.</summary>
public sealed record JournalJson(string Status, bool Clean, string? Gpu, string? Reason);

/// <summary>A USB device plugged into the host: <c>{"id", "port", "name"}</c>.</summary>
public sealed record HostUsbDevice(string Id, string Port, string Name);

/// <summary>The dashboard's own JSON, source-generated (no reflection, NativeAOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ActionStarted))]
[JsonSerializable(typeof(ActionEnded))]
[JsonSerializable(typeof(WebError))]
[JsonSerializable(typeof(JournalJson))]
[JsonSerializable(typeof(List<HostUsbDevice>))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class WebJsonContext : JsonSerializerContext;
