using Lodge.Linux.Runtime;

namespace Lodge.App.Runtime;

/// <summary><c>lodge rescue</c>'s part for passed controllers: gives back what guests that no longer run left on vfio-pci.</summary>
public static class ControllerRescue
{
    /// <summary>Releases the controllers of every machine whose journal is left and whose guest does not run; at boot the
    /// undos that fail are tolerated (the reboot already gave the controllers back).</summary>
    /// <returns>One line per machine, and whether anything is left (a guest that still runs is not counted).</returns>
    public static async Task<(IReadOnlyList<string> Lines, bool Left)> RunAsync(GuestStateStore store, bool boot, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(store);
        var lines = new List<string>();
        var left = false;
        store.Log = log;
        foreach (var machine in store.MachinesWithControllers())
        {
            if (!boot && store.Read(machine) is { } state && GuestStateStore.IsLive(state))
            {
                lines.Add($"The controllers of '{machine}' stay on vfio-pci: its guest runs (QEMU pid {state.Qemu?.Pid}); 'lodge down {machine}' gives them back.");
                continue;
            }

            var (report, clean) = await store.ReleaseControllersAsync(machine, boot).ConfigureAwait(false);
            if (clean)
            {
                lines.Add($"Gave the controllers of '{machine}' back to their drivers ({report.Steps.Count} step(s) undone).");
            }
            else
            {
                left = true;
                var why = report.Problems.Count > 0 ? $": {string.Join(" ", report.Problems)}" : report.Unknown is { } unknown ? $": {unknown}" : ".";
                lines.Add($"Could not give the controllers of '{machine}' back{why} '{store.ControllerJournalPath(machine)}' keeps them for the next 'lodge rescue'.");
            }
        }

        return (lines, left);
    }
}
