using System.Globalization;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Setup;

/// <summary>File writes (temporary file and rename), backups, and running commands.</summary>
public sealed partial class SetupExecutor
{
    private static readonly string[] ToolDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    // Where a read of a host path lands: every link resolved inside the root, as HostRoot reads do.
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
        _files.Write(backup + "/files" + path, bytes, RegularMode);
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
            WriteOrDelete(file.Path, file.Existed ? File.ReadAllBytes(Real(backup + "/files" + file.Path)) : null, file.Mode);
        }
    }

    private void RemoveEmpty(IEnumerable<string> directories)
    {
        foreach (var dir in directories.OrderByDescending(d => d.Length))
        {
            // HOST EFFECT: removes a directory an apply created when it is empty, so nothing else is lost.
            _files.DeleteDirectory(dir, recursive: false);
        }
    }

    private void WriteOrDelete(string hostPath, byte[]? bytes, UnixFileMode mode)
    {
        if (bytes is null)
        {
            // HOST EFFECT: deletes a file setup created (or a trial entry); the backup restores it on revert.
            _files.Delete(hostPath);
            return;
        }

        // HOST EFFECT: replaces a host configuration file; Revert restores the backed-up bytes and mode.
        _files.Write(hostPath, bytes, mode);
    }

    private void Run(IEnumerable<IReadOnlyList<string>> commands, string id)
    {
        foreach (var command in commands)
        {
            if (Inside(command) is not { } argv)
            {
                _log.WriteLine($"Not run: {string.Join(' ', command)} (there is no '{command[0]}' inside '{_root}', and the running system's own would change this machine, not the tree)");
                continue;
            }

            var line = string.Join(' ', command);
            _log.WriteLine(_root == "/" ? $"Running: {line}" : $"Running inside '{_root}': {string.Join(' ', argv)}");
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

    // Below a --root other than '/', a command runs only as the tree's own program, through chroot; null when the tree has none.
    private IReadOnlyList<string>? Inside(IReadOnlyList<string> argv)
    {
        if (_root == "/")
        {
            return argv;
        }

        var candidates = argv[0].Contains('/') ? [argv[0]] : ToolDirectories.Select(d => d + "/" + argv[0]);
        foreach (var candidate in candidates)
        {
            var real = Real(candidate);
            if (File.Exists(real) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(real) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return ["chroot", _root, .. argv];
            }
        }

        return null;
    }
}
