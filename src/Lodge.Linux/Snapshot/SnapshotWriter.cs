using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Lodge.Core.Privacy;

namespace Lodge.Linux.Snapshot;

/// <summary>Writes what a scan read (a <see cref="HostAccessLog"/>) as a <c>.tar.gz</c> host root, symlinks kept, identities removed.</summary>
/// <remarks>
/// The archive unpacks to a tree that <c>--root</c> reads back with the same answers. It holds
/// <c>lodge-snapshot.json</c> (the versions programs reported, which a replay cannot ask them for) and
/// <c>FIXTURE.json</c>, so that a snapshot attached to a bug report can become a test fixture as it is.
/// </remarks>
public static class SnapshotWriter
{
    /// <summary>The file in a snapshot that holds the recorded program versions.</summary>
    public const string ManifestName = "lodge-snapshot.json";

    /// <summary>Collects the secrets to scrub: the host's names and serials (<see cref="Reports.PrivacySecrets"/>) and the
    /// serial numbers of the USB devices the scan saw.</summary>
    public static IReadOnlyList<string> CollectSecrets(HostRoot root, HostAccessLog log)
    {
        var plain = new HostRoot(root.Path);
        var secrets = new List<string>(Reports.PrivacySecrets.Collect(plain));
        foreach (var (path, _) in log.Entries)
        {
            if (path.EndsWith("/idVendor", StringComparison.Ordinal))
            {
                var serial = plain.ReadAttribute(path[..^"idVendor".Length] + "serial");
                if (!string.IsNullOrEmpty(serial))
                {
                    secrets.Add(serial);
                }
            }
        }

        return secrets;
    }

    /// <summary>Writes the archive to <paramref name="output"/>.</summary>
    public static void Write(Stream output, HostAccessLog log, PrivacyFilter filter, IReadOnlyDictionary<string, string> toolVersions, DateTimeOffset capturedAt)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var notes = new List<(string Path, string Target)>();
        var mtime = capturedAt;

        void EnsureDirectory(string hostDir)
        {
            if (hostDir == "/" || written.Contains(hostDir))
            {
                return;
            }

            EnsureDirectory(HostRoot.ParentOf(hostDir));
            written.Add(hostDir);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, hostDir[1..] + "/") { Mode = Dir, ModificationTime = mtime });
        }

        foreach (var (rawPath, entry) in log.Entries)
        {
            if (PrivacyFilter.ShouldDrop(rawPath))
            {
                continue;
            }

            var path = filter.ScrubName(rawPath);
            if (path == "/" || written.Contains(path))
            {
                continue;
            }

            EnsureDirectory(HostRoot.ParentOf(path));
            switch (entry.Kind)
            {
                case HostAccessKind.Directory:
                    EnsureDirectory(path);
                    break;
                case HostAccessKind.Link:
                    written.Add(path);
                    var target = filter.ScrubName(entry.LinkTarget!);
                    if (LeavesTree(path, target))
                    {
                        // Unpacked, such a link would point into the machine that unpacks it: it is kept as a note only.
                        notes.Add((path, target));
                        break;
                    }

                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, path[1..]) { LinkName = target, Mode = Link, ModificationTime = mtime });
                    break;
                default:
                    written.Add(path);
                    var content = entry.Content is null ? [] : filter.ScrubContent(entry.Content);
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path[1..]) { DataStream = new MemoryStream(content), Mode = File, ModificationTime = mtime });
                    break;
            }
        }

        WriteFile(tar, ManifestName, Manifest(toolVersions, capturedAt, notes), mtime);
        WriteFile(tar, "FIXTURE.json", Fixture(capturedAt), mtime);
    }

    private const UnixFileMode Dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Link = Dir | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static void WriteFile(TarWriter tar, string name, string text, DateTimeOffset mtime) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)), Mode = File, ModificationTime = mtime });

    /// <summary>True when link <paramref name="path"/> -> <paramref name="target"/> is absolute or climbs above the tree's root.</summary>
    public static bool LeavesTree(string path, string target)
    {
        if (target.StartsWith('/'))
        {
            return true;
        }

        var depth = HostRoot.ParentOf(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += part switch { ".." => -1, "." => 0, _ => 1 };
            if (depth < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string Manifest(IReadOnlyDictionary<string, string> toolVersions, DateTimeOffset capturedAt, IReadOnlyList<(string Path, string Target)> links)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "lodge-snapshot/v1");
            w.WriteString("captured", capturedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartObject("toolVersions");
            foreach (var (path, version) in toolVersions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(path, version);
            }

            w.WriteEndObject();

            // Links whose target leaves the tree (absolute, or above its root): noted, never written as links.
            w.WriteStartArray("linksOutsideTree");
            foreach (var (path, target) in links)
            {
                w.WriteStartObject();
                w.WriteString("path", path);
                w.WriteString("target", target);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    private static string Fixture(DateTimeOffset capturedAt) =>
        "{\n" +
        " \"schema\": \"lodge-sysfs-fixture/v1\",\n" +
        " \"generated_by\": \"lodge snapshot\",\n" +
        $" \"provenance\": {{\"kind\": \"lodge snapshot\", \"captured\": \"{capturedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}\"}},\n" +
        " \"facts_absent\": [\"serial numbers, MAC addresses, UUIDs and host names are removed\", \"only the files lodge's scanner reads are kept\"]\n" +
        "}\n";
}
