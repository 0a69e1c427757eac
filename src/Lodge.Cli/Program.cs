using Spectre.Console;

namespace Lodge.Cli;

/// <summary>The entry point: wires the real console and the real host into <see cref="LodgeApp"/>.</summary>
public static class Program
{
    /// <summary>Runs lodge with the process's console.</summary>
    public static int Main(string[] args)
    {
        // Hidden 'lodge sysfs-write FILE TEXT': one kernel write in a child process that may get stuck in the kernel
        // without keeping its parent (ChildProcessWrite); nothing else starts, so it costs one exec.
        if (args is [Linux.Host.ChildProcessWrite.Command, var file, var text])
        {
            return Linux.Host.ChildProcessWrite.WriteNow(file, text, Console.Error);
        }

        // 'lodge sysfs-write --read-back FILE TEXT': the same, read back and written again until the kernel shows it (vtconsole).
        if (args is [Linux.Host.ChildProcessWrite.Command, Linux.Host.ChildProcessWrite.ReadBackOption, var checkedFile, var checkedText])
        {
            return Linux.Host.ChildProcessWrite.WriteAndReadBack(checkedFile, checkedText, Console.Error);
        }

        // Raw output (JSON, argv) is written once at the end instead of a syscall per line.
        // Both survive a terminal that hangs up mid-command (HangupSafeWriter): the command goes on without output.
        using var stdout = new HangupSafeWriter(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024) { AutoFlush = false });
        // Every environment variable is read through the composition root's options (COLUMNS included).
        var options = App.LodgeOptions.FromProcess();
        var context = new CliContext(ConsoleOutput.Create(options.Columns), stdout, new HangupSafeWriter(Console.Error)) { Options = options };
        var exit = LodgeApp.Run(args, context);
        stdout.Flush();
        return exit;
    }
}
