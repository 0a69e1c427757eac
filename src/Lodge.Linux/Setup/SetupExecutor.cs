using System.Text;
using Lodge.Core.Setup;
using Lodge.Core;
using Lodge.Linux.Host;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Setup;

/// <summary>Applies a <see cref="SetupPlan"/> below a root with backups, and reverts an apply byte for byte.</summary>
/// <remarks>
/// Invariants (tested): if <see cref="Apply"/> fails while writing, every file it already wrote is restored and no
/// backup is left, so the host is as it was. <see cref="Revert"/> restores every file to the exact bytes and mode it
/// had, deletes the files that did not exist, and removes the directories the apply created.
/// </remarks>
public sealed partial class SetupExecutor
{
    /// <summary>Where backups live by default (host view, below the root): one folder per apply.</summary>
    public const string DefaultBackupDirectory = "/var/lib/lodge/setup";

    /// <summary>Where this executor keeps its backups (host view, below the root): one folder per apply.</summary>
    public string BackupDirectory { get; }

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);
    private const UnixFileMode RegularMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecutableMode = RegularMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly string _root;
    private readonly ConfinedFiles _files;
    private readonly TimeProvider _time;
    private readonly IProcessRunner _runner;
    private readonly TextWriter _log;

    /// <summary>An executor for the tree at <paramref name="rootPath"/>; <paramref name="log"/> gets one line per command run;
    /// backups go to <paramref name="backupDirectory"/> (host view, below the root; <see cref="DefaultBackupDirectory"/> when null).</summary>
    public SetupExecutor(string rootPath, TimeProvider time, TextWriter log, IProcessRunner? runner = null, string? backupDirectory = null)
    {
        BackupDirectory = backupDirectory ?? DefaultBackupDirectory;
        _files = new ConfinedFiles(rootPath);
        _root = _files.RootPath;
        _time = time;
        _log = log;
        _runner = runner ?? new ProcessRunner();
    }

    /// <summary>Writes the plan's files all or nothing, keeps backups, then runs its commands; returns the backup id.</summary>
    /// <exception cref="SetupException">The plan has an error, a write failed (nothing is left changed), or a command failed.</exception>
    public string Apply(SetupPlan plan, IReadOnlyList<string> machines)
    {
        if (plan.Error is { } error)
        {
            throw new SetupException(error.Message, error.Path) { Hint = error.Hint + "\nNothing was written." };
        }

        var id = NewId();
        var backup = $"{BackupDirectory}/{id}";
        var records = new List<SetupBackedUpFile>();
        var created = plan.Changes.Where(c => c.After is not null).SelectMany(c => MissingParents(c.Path)).Distinct().Order(StringComparer.Ordinal).ToList();
        try
        {
            foreach (var change in plan.Changes)
            {
                records.Add(BackUp(backup, change.Path, change.After is null ? null : SetupManifest.Sha256(Encoding.UTF8.GetBytes(change.After)), change.Executable, touched: false));
            }

            foreach (var path in plan.CommandTouchedPaths.Concat(plan.DeletePaths).Except(plan.Changes.Select(c => c.Path)).Distinct())
            {
                records.Add(BackUp(backup, path, null, false, touched: true));
            }

            var manifest = new SetupManifest(id, plan.Phase, machines) { Files = records, CreatedDirectories = created, Regenerate = plan.Regenerate, Undo = plan.UndoCommands };
            _files.Write($"{BackupDirectory}/{id}/manifest", Encoding.UTF8.GetBytes(manifest.Format()), RegularMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HostAccessException)
        {
            throw new SetupException($"Cannot keep the backups in '{BackupDirectory}/{id}', so setup wrote nothing.", BackupDirectory, e) { Hint = "Run 'lodge setup --apply' as root." };
        }

        var done = new List<SetupBackedUpFile>();
        var failed = "";
        try
        {
            foreach (var (change, record) in plan.Changes.Zip(records))
            {
                failed = change.Path;
                foreach (var dir in created.Where(d => change.Path.StartsWith(d + "/", StringComparison.Ordinal)))
                {
                    // HOST EFFECT: creates a directory the file needs; Revert (or the rollback below) removes it when empty.
                    _files.CreateDirectory(dir);
                }

                // The write is atomic (temporary file, rename): a failed one left the file as it was.
                WriteOrDelete(change.Path, change.After is null ? null : Encoding.UTF8.GetBytes(change.After), record.Mode);
                done.Add(record);
            }

            foreach (var path in plan.DeletePaths)
            {
                failed = path;
                WriteOrDelete(path, null, RegularMode);
                done.Add(records.First(r => r.Path == path));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HostAccessException)
        {
            Restore(backup, done);
            RemoveEmpty(created.Where(d => !IsUnresolvable(d)));
            _files.DeleteDirectory(backup, recursive: true);
            var message = e is HostAccessException
                ? $"Cannot write '{failed}': {e.Message} Every file written before it was restored, so the host is as it was."
                : $"Cannot write '{failed}'; every file written before it was restored, so the host is as it was.";
            throw new SetupException(message, failed, e) { Hint = "Run 'lodge setup --apply' as root, and check that the file is not a directory, not on a read-only mount, and not behind a link that loops." };
        }

        Run(plan.Regenerate, id);
        Run(plan.BootCommands, id);
        return id;
    }

    /// <summary>Restores the files of apply <paramref name="id"/> (the latest one not yet reverted when null), then regenerates.</summary>
    /// <exception cref="SetupException">No such apply, it was reverted already, or a file changed since it was written.</exception>
    public SetupManifest Revert(string? id)
    {
        var all = List();
        var manifest = id is null
            ? all.LastOrDefault(m => m.Reverted is null) ?? throw new SetupException("There is no setup to revert.") { Hint = "Run 'lodge setup --list' to see past applies." }
            : all.FirstOrDefault(m => m.Id == id) ?? throw new SetupException($"There is no setup '{id}' in '{BackupDirectory}'.") { Hint = "Run 'lodge setup --list' to see past applies." };
        if (manifest.Reverted is not null)
        {
            throw new SetupException($"Setup '{manifest.Id}' was already reverted at {manifest.Reverted}.") { Hint = "Run 'lodge setup --list' to see past applies." };
        }

        var backup = $"{BackupDirectory}/{manifest.Id}";
        foreach (var file in manifest.Files.Where(f => !f.Touched))
        {
            var real = Real(file.Path);
            var now = File.Exists(real) ? SetupManifest.Sha256(File.ReadAllBytes(real)) : null;
            if (now != file.After)
            {
                throw new SetupException($"'{file.Path}' changed after setup '{manifest.Id}' wrote it, so a revert would lose that change.", file.Path) { Hint = $"Revert the later setups first ('lodge setup --list'), or restore it by hand from '{BackupDirectory}/{manifest.Id}/files'." };
            }
        }

        Run(manifest.Undo, manifest.Id);
        Restore(backup, manifest.Files.Where(f => !f.Touched));
        var reverted = manifest with { Reverted = SetupManifest.Stamp(_time.GetUtcNow()) };
        _files.Write($"{backup}/manifest", Encoding.UTF8.GetBytes(reverted.Format()), RegularMode);
        try
        {
            Run(manifest.Regenerate, manifest.Id);
        }
        finally
        {
            // The files the apply's commands wrote (a rebuilt initramfs, a trial image) come back last: the commands above
            // rebuild them again (and any kernel's installed since), and a rebuild never has the same bytes.
            Restore(backup, manifest.Files.Where(f => f.Touched));
            RemoveEmpty(manifest.CreatedDirectories);
        }

        return reverted;
    }

    /// <summary>Every past apply, oldest first.</summary>
    public IReadOnlyList<SetupManifest> List()
    {
        var dir = Real(BackupDirectory);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "manifest")).Where(File.Exists)
            .Select(m => SetupManifest.Parse(File.ReadAllText(m), $"{BackupDirectory}/{Path.GetFileName(Path.GetDirectoryName(m))}/manifest"))];
    }

    private bool IsUnresolvable(string hostPath)
    {
        try
        {
            _files.Resolve(hostPath);
            return false;
        }
        catch (HostAccessException)
        {
            return true;
        }
    }
}
