using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Lodge.Linux.Processes;

/// <summary>A long-running child started with posix_spawn: argv list (never a shell), stdin from /dev/null, stdout and stderr appended to a log file.</summary>
/// <remarks>
/// Short commands go through <see cref="IProcessRunner"/>; guests and their helpers outlive any pipe Lodge could drain,
/// so their output goes straight to a file and they may run in their own session (<c>setsid</c>), untouched by Ctrl-C
/// in the terminal that started them. The exit is collected with <c>waitpid</c> on a dedicated thread.
/// </remarks>
public sealed class SpawnedProcess
{
    private readonly Task<ProcessExit> _exited;

    private SpawnedProcess(int pid, string program)
    {
        Pid = pid;
        Program = program;
        _exited = Task.Factory.StartNew(() => Wait(pid), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The process id.</summary>
    public int Pid { get; }

    /// <summary>argv[0].</summary>
    public string Program { get; }

    /// <summary>Completes when the process has exited and been reaped.</summary>
    public Task<ProcessExit> Exited => _exited;

    /// <summary>Starts <paramref name="argv"/> (argv[0] is looked up on PATH) with its output appended to <paramref name="logPath"/>.</summary>
    /// <param name="gate">When given, the child's stdin is the gate's pipe (it waits for <see cref="StartGate.Open"/>)
    /// instead of /dev/null.</param>
    /// <exception cref="HostProcessException">The program could not be started.</exception>
    public static SpawnedProcess Start(IReadOnlyList<string> argv, string logPath, bool newSession = true, IReadOnlyDictionary<string, string>? environment = null, StartGate? gate = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var envList = env.Select(e => $"{e.Key}={e.Value}").ToList();
        var actions = Marshal.AllocHGlobal(SpawnNative.OpaqueSize);
        var attr = Marshal.AllocHGlobal(SpawnNative.OpaqueSize);
        var allSignals = Marshal.AllocHGlobal(SpawnNative.SigSetSize);
        var noSignals = Marshal.AllocHGlobal(SpawnNative.SigSetSize);
        var argvArray = SpawnNative.StringArray(argv);
        var envArray = SpawnNative.StringArray(envList);
        try
        {
            SpawnNative.FileActionsInit(actions);
            SpawnNative.AttrInit(attr);
            if (gate is null)
            {
                SpawnNative.FileActionsAddOpen(actions, 0, "/dev/null", SpawnNative.OpenReadOnly, 0);
            }
            else
            {
                // dup2 onto 0 clears close-on-exec on the child's copy only.
                SpawnNative.FileActionsAddDup2(actions, gate.ReadEnd, 0);
            }

            SpawnNative.FileActionsAddOpen(actions, 1, logPath, SpawnNative.OpenWriteCreateAppend, Convert.ToInt32("640", 8));
            SpawnNative.FileActionsAddOpen(actions, 2, logPath, SpawnNative.OpenWriteCreateAppend, Convert.ToInt32("640", 8));
            // Every signal back to its default and none blocked: a guest started from a background job (SIGINT ignored
            // there) or from a thread with signals blocked still stops on SIGTERM/SIGINT as a program started by hand does.
            SpawnNative.SigFillSet(allSignals);
            SpawnNative.SigEmptySet(noSignals);
            SpawnNative.AttrSetSigDefault(attr, allSignals);
            SpawnNative.AttrSetSigMask(attr, noSignals);
            SpawnNative.AttrSetFlags(attr, (short)(SpawnNative.PosixSpawnSetSigDefault | SpawnNative.PosixSpawnSetSigMask | (newSession ? SpawnNative.PosixSpawnSetsid : 0)));

            // HOST EFFECT: starts a process; Signal/the runtime's stop path ends it.
            var error = SpawnNative.Spawn(out var pid, argv[0], actions, attr, argvArray, envArray);
            if (error != 0)
            {
                throw new HostProcessException($"Cannot start '{argv[0]}'.", argv[0], new Win32Exception(error));
            }

            gate?.ChildStarted();
            return new SpawnedProcess(pid, argv[0]);
        }
        finally
        {
            SpawnNative.FileActionsDestroy(actions);
            SpawnNative.AttrDestroy(attr);
            Marshal.FreeHGlobal(actions);
            Marshal.FreeHGlobal(attr);
            Marshal.FreeHGlobal(allSignals);
            Marshal.FreeHGlobal(noSignals);
            SpawnNative.FreeStringArray(argvArray, argv.Count);
            SpawnNative.FreeStringArray(envArray, envList.Count);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (15 = SIGTERM, 9 = SIGKILL) unless the process has already exited.</summary>
    public void Signal(int signal)
    {
        if (!_exited.IsCompleted)
        {
            SpawnNative.Kill(Pid, signal);
        }
    }

    /// <summary>Sends SIGTERM, waits up to <paramref name="grace"/>, then SIGKILL; returns how it ended.</summary>
    public async Task<ProcessExit> StopAsync(TimeSpan grace)
    {
        Signal(15);
        if (await Task.WhenAny(_exited, Task.Delay(grace)).ConfigureAwait(false) != _exited)
        {
            Signal(9);
        }

        return await _exited.ConfigureAwait(false);
    }

    private static ProcessExit Wait(int pid)
    {
        while (true)
        {
            if (SpawnNative.WaitPid(pid, out var status, 0) == pid)
            {
                // <sys/wait.h>: WIFEXITED when the low 7 bits are 0; WEXITSTATUS is bits 8-15; else WTERMSIG is the low 7 bits.
                var signal = status & 0x7f;
                return signal == 0 ? new ProcessExit((status >> 8) & 0xff, null) : new ProcessExit(null, signal);
            }

            if (Marshal.GetLastPInvokeError() != 4)
            {
                // ECHILD: someone else reaped it; the exit status is lost.
                return new ProcessExit(null, null);
            }
        }
    }
}
