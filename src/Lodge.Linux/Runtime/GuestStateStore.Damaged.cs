namespace Lodge.Linux.Runtime;

/// <summary>Finding a running QEMU whose state.json cannot be read.</summary>
public sealed partial class GuestStateStore
{
    /// <summary>The pid of <paramref name="machine"/>'s QEMU when its state.json exists but cannot be read and the QEMU
    /// still runs (found through <c>qemu.pid</c>, checked by its command line: a QEMU that names the guest's run folder);
    /// null otherwise.</summary>
    public int? FindQemuBehindDamagedState(string machine)
    {
        var path = Roots.StateFile(machine);
        if (!File.Exists(path) || Read(machine) is not null)
        {
            return null;
        }

        try
        {
            if (!int.TryParse(File.ReadAllText(PidFile(machine)).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                return null;
            }

            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var runDir = Roots.RunDir(machine) + "/";
            return Path.GetFileName(argv[0]).Contains("qemu", StringComparison.Ordinal) && argv.Any(a => a.Contains(runDir, StringComparison.Ordinal)) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
