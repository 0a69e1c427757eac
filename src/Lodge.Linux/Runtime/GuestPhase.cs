using System.Text.Json.Serialization;

namespace Lodge.Linux.Runtime;

/// <summary>Where a guest is in its life, as <c>state.json</c> records it (<c>"phase"</c>) and <c>lodge status</c> shows it.</summary>
[JsonConverter(typeof(GuestPhaseJsonConverter))]
public enum GuestPhase
{
    /// <summary><c>starting</c>: helpers and QEMU start.</summary>
    Starting,

    /// <summary><c>running</c>: QMP answered.</summary>
    Running,
}
