using System.Globalization;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Setup;

/// <summary>File writes (temporary file and rename), backups, and running commands.</summary>
public sealed partial class SetupExecutor
{
    private string Real(string hostPath) => SetupFiles.Real(_root, hostPath);

    private string NewId()
    {
        var stamp = _time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var id = stamp;
        for (var n = 2; Directory.Exists(Real($"{BackupDirectory}/{id}")); n++)
        {
            id = $"{stamp}-{n}";
        }

        return id;
    }

    private SetupBackedUpFile BackUp(string backup, string path, string? after, bool executable, bool touched)
    {
        var real = Real(path);
        if (!File.Exists(real))
        {
            return new SetupBackedUpFile(path, false, executable ? ExecutableMode : RegularMode, null, after, touched);
        }

        var bytes = File.ReadAllBytes(real);
        var mode = OperatingSystem.IsWindows() ? RegularMode : File.GetUnixFileMode(real);
        var copy = backup + "/files" + path;
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllBytes(copy, bytes);
        return new SetupBackedUpFile(path, true, mode, SetupManifest.Sha256(bytes), after, touched);
    }

    private IEnumerable<string> MissingParents(string hostPath)
    {
        for (var dir = HostRoot.ParentOf(hostPath); dir != "/" && !Directory.Exists(Real(dir)); dir = HostRoot.ParentOf(dir))
        {
            yield return dir;
        }
    }

    private void Restore(string backup, IEnumerable<SetupBackedUpFile> files)
    {
        foreach (var file in files.Reverse())
        {
            WriteOrDelete(file.Path, file.Existed ? File.ReadAllBytes(backup + "/files" + file.Path) : null, file.Mode);
        }
    }

    private void RemoveEmpty(IEnumerable<string> directories)
    {
        foreach (var dir in directories.OrderByDescending(d => d.Length))
        {
            var real = Real(dir);
            if (Directory.Exists(real) && !Directory.EnumerateFileSystemEntries(real).Any())
            {
                // HOST EFFECT: removes a directory an apply created; it is empty, so nothing else is lost.
                Directory.Delete(real);
            }
        }
    }

    private void WriteOrDelete(string hostPath, byte[]? bytes, UnixFileMode mode)
    {
        var real = Real(hostPath);
        if (bytes is null)
        {
            // HOST EFFECT: deletes a file setup created (or a trial entry); the backup restores it on revert.
            if (File.Exists(real))
            {
                File.Delete(real);
            }

            return;
        }

        // HOST EFFECT: replaces a host configuration file; Revert restores the backed-up bytes and mode.
        WriteAtomically(real, bytes, mode);
    }

    // Writes beside the target and renames over it, so a reader (or a crash) never sees half a file.
    private static void WriteAtomically(string real, byte[] bytes, UnixFileMode mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        var temp = Path.Combine(Path.GetDirectoryName(real)!, ".lodge-tmp-" + Path.GetFileName(real));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            File.Move(temp, real, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private void Run(IEnumerable<IReadOnlyList<string>> commands, string id)
    {
        foreach (var argv in commands)
        {
            var line = string.Join(' ', argv);
            _log.WriteLine($"Running: {line}");
            // HOST EFFECT: regenerates boot files or sets the one-shot entry; a revert runs the regenerate commands again.
            var result = _runner.Run(argv[0], [.. argv.Skip(1)], CommandTimeout);
            if (result.TimedOut || result.ExitCode != 0)
            {
                _log.Write(result.StandardError);
                var how = result.TimedOut ? $"did not finish within {CommandTimeout.TotalMinutes} minutes" : $"failed with exit code {result.ExitCode}";
                throw new SetupException($"'{line}' {how}; the files of setup '{id}' are written.") { Hint = $"Fix the cause (its output is above) and run it again, or run 'lodge setup --revert {id}'." };
            }
        }
    }
}
