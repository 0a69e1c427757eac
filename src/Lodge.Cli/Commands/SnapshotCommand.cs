using System.CommandLine;
using Lodge.App.Host;
using Lodge.Core;
using Lodge.Core.Privacy;
using Lodge.Linux;
using Lodge.Linux.Snapshot;
using Lodge.Linux.Sysfs;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge snapshot -o FILE.tar.gz</c>: captures exactly the files the scanner reads, without identities.</summary>
public static class SnapshotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = "The archive to write (.tar.gz).", Required = true, HelpName = "FILE" };
        var command = new Command("snapshot", "Capture the host files lodge reads into a .tar.gz (serial numbers, MAC addresses, UUIDs and host names removed); replay it with --root.");
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var rootPath = parse.GetValue(LodgeApp.RootOption) ?? "/";
            var target = parse.GetValue(output)!;
            if (!Directory.Exists(rootPath))
            {
                throw new HostAccessException($"The host root '{rootPath}' is not a directory.", rootPath);
            }

            var log = new HostAccessLog();
            var root = new HostRoot(rootPath, log);
            var inner = ToolVersions.For(root);
            var recorder = inner is null ? null : new RecordingToolVersionProbe(inner, root);
            var host = new SysfsScanner(root, recorder, probeKvm: true).Scan();
            var filter = new PrivacyFilter(SnapshotWriter.CollectSecrets(root, log));
            var temp = target + ".tmp";
            try
            {
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
                {
                    SnapshotWriter.Write(stream, log, filter, recorder?.Answers ?? new Dictionary<string, string>(), context.Time.GetUtcNow());
                }

                File.Move(temp, target, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HostAccessException($"Cannot write the snapshot '{target}'.", target, e) { Hint = "Choose a writable path with -o." };
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }

            context.Console.WriteLine($"Wrote {target}: {log.Entries.Count} paths, {host.PciDevices.Count} PCI devices. Replay it with 'tar xzf {Path.GetFileName(target)} -C DIR' and 'lodge devices --root DIR'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
