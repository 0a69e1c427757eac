using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

/// <summary>A command that was given an id and waits for the reply with that id.</summary>
internal sealed class PendingCommand(string command, string id)
{
    private readonly TaskCompletionSource<JsonNode?> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Command { get; } = command;

    public string Id { get; } = id;

    /// <summary>Whether the request was fully written; guarded by the session lock.</summary>
    public bool Sent { get; set; }

    public Task<JsonNode?> Reply => _reply.Task;

    public bool TrySetResult(JsonNode? value) => _reply.TrySetResult(value);

    public bool TrySetException(Exception exception) => _reply.TrySetException(exception);
}
