using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lodge.Linux.Runtime;

/// <summary>Writes a <see cref="GuestPhase"/> as its word (<see cref="GuestPhaseWords"/>) and reads it back; an unknown
/// word is a damaged state file.</summary>
public sealed class GuestPhaseJsonConverter : JsonConverter<GuestPhase>
{
    /// <inheritdoc/>
    public override GuestPhase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        GuestPhaseWords.Parse(reader.TokenType == JsonTokenType.String ? reader.GetString() : null)
            ?? throw new JsonException("A guest's phase is \"starting\" or \"running\".");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, GuestPhase value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Word());
    }
}
