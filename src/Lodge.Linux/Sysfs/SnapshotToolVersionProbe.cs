using System.Text.Json;

namespace Lodge.Linux.Sysfs;

/// <summary>Answers version questions from a snapshot's <c>lodge-snapshot.json</c>, so a replay gives the same answers as the capture.</summary>
public sealed class SnapshotToolVersionProbe : IToolVersionProbe
{
    private readonly HostRoot _root;
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    /// <summary>Reads the manifest under <paramref name="root"/>; a missing or malformed one knows no versions.</summary>
    public SnapshotToolVersionProbe(HostRoot root)
    {
        _root = root;
        var text = root.ReadText("/" + Snapshot.SnapshotWriter.ManifestName, 1 << 20);
        if (text is null)
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("toolVersions", out var versions) && versions.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in versions.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        _versions[p.Name] = p.Value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            _versions.Clear();
        }
    }

    /// <inheritdoc/>
    public bool LastKvmProbeCached => _versions.ContainsKey(RecordingToolVersionProbe.KvmCachedKey);

    /// <inheritdoc/>
    public string? ProbeKvm(string qemuRealPath) => _versions.TryGetValue(RecordingToolVersionProbe.KvmKey, out var v) ? v : null;

    /// <inheritdoc/>
    public string? Probe(string realPath)
    {
        var hostPath = realPath.StartsWith(_root.Path, StringComparison.Ordinal) ? realPath[_root.Path.Length..] : realPath;
        return _versions.TryGetValue(hostPath, out var v) ? v : null;
    }
}
