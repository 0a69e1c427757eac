namespace Lodge.IntegrationTests;

/// <summary>Finds processes that still mention a guest's runtime folder on their command line (QEMU, virtiofsd, supervisors).</summary>
public static class LodgeProcesses
{
    public static async Task<IReadOnlyList<string>> OfAsync(GuestFixture fixture, string machine)
    {
        // Helpers stop right after QEMU; give the last of them a moment to be reaped.
        await Task.Delay(300);
        var needle = fixture.Roots.RunDir(machine) + "/";
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(System.IO.Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                if (cmdline.Contains(needle, StringComparison.Ordinal) && !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    found.Add(cmdline);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
