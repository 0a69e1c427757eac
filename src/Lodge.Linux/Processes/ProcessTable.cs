namespace Lodge.Linux.Processes;

/// <summary>Looks up processes by pid in /proc, telling a live process from a recycled pid by its start time.</summary>
public static class ProcessTable
{
    /// <summary>The start time of <paramref name="pid"/> in clock ticks since boot (field 22 of /proc/PID/stat), or null when it is gone or a zombie.</summary>
    public static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "1234 (qemu-system-x86) S 1 1234 ... 22nd field": the command may contain spaces, so split after the last ')'.
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        if (fields[0] is "Z" or "X")
        {
            return null;
        }

        return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when <paramref name="pid"/> runs and is the same process that started at <paramref name="startTicks"/>.</summary>
    public static bool IsAlive(int pid, long startTicks) => pid > 0 && StartTicks(pid) == startTicks;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> if it is still the process that started at <paramref name="startTicks"/>.</summary>
    public static void Signal(int pid, long startTicks, int signal)
    {
        if (IsAlive(pid, startTicks))
        {
            // HOST EFFECT: signals a process Lodge started earlier (recorded in state.json).
            SpawnNative.Kill(pid, signal);
        }
    }

    /// <summary>This process's parent.</summary>
    public static int ParentOfSelf() => Native.ParentPid();

    /// <summary>Waits until <paramref name="parent"/> is no longer this process's parent (it has exited: the process was
    /// reparented), at most <paramref name="patience"/>, looking every millisecond; true when it has.</summary>
    public static bool WaitForParentToExit(int parent, TimeSpan patience, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var begun = time.GetTimestamp();
        while (Native.ParentPid() == parent)
        {
            if (time.GetElapsedTime(begun) >= patience)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    /// <summary>Stops this process with SIGSTOP (the test hook that lets the lab SIGKILL a handoff after an exact step);
    /// returns when something sends it SIGCONT.</summary>
    /// <remarks>The signal goes to the calling thread (raise(3) is tgkill to the caller), so this thread stops before the
    /// call returns. A kill(2) to the process lets the kernel pick the main thread to take the stop, and the caller runs
    /// on until that thread stops the others: in the lab (6.1, a loaded machine) the handoff went on to journal and even
    /// finish the next step in that window.</remarks>
    public static void StopSelf()
    {
        // HOST EFFECT: stops lodge itself (test hook only: LODGE_TEST_STOP_AFTER_STEP).
        SpawnNative.Raise(19);
    }

    /// <summary>The command line of <paramref name="pid"/> joined with spaces, or its pid when unreadable.</summary>
    public static string Describe(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
            return cmdline.Length > 80 ? $"pid {pid} ({cmdline[..77]}...)" : $"pid {pid} ({cmdline})";
        }
        catch (IOException)
        {
            return $"pid {pid}";
        }
    }
}
