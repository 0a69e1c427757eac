using System.Text.RegularExpressions;
using Lodge.Linux.Processes;

namespace Lodge.IntegrationTests;

/// <summary>The lab (<c>lab/run</c>, docs/lab.md): a Debian 12 machine under QEMU (TCG) with a virtual IOMMU, a GPU
/// with its HDMI audio, systemd and lightdm, in which the Lodge binary under test hands the GPU to a nested QEMU and
/// back. Every scenario checks its result through the kernel (sysfs, /proc, systemctl), not through Lodge.</summary>
public sealed partial class LabSpecs
{
    [LabFact(Timeout = 45 * 60 * 1000)]
    public async Task Every_lab_scenario_passes_on_a_real_kernel_with_a_real_display_manager()
    {
        // Arrange: the image is built (and cached) by lab/run itself; the Lodge binary is built from these sources.
        var run = Path.Combine(RepositoryRoot(), "lab", "run");

        // Act
        var result = await HostProcesses.Runner.RunAsync(run, [], TimeSpan.FromMinutes(40));

        // Assert
        var transcript = result.StandardOutput + result.StandardError;
        Assert.False(result.TimedOut, "lab/run did not finish within 40 minutes:\n" + transcript);
        Assert.True(result.ExitCode == 0, "lab/run failed (logs in .build/lab/failed/):\n" + transcript);
        var rows = TableRow().Matches(result.StandardOutput);
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("pass", row.Groups["outcome"].Value));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "lab", "run")) && File.Exists(Path.Combine(dir.FullName, "Lodge.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository with lab/run above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^(?<scenario>\d\d-\S+)\s+(?<kernel>6\.\d+)\s+(?<outcome>\S+)\s+\S+$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}

/// <summary>A lab scenario runs only with <c>LODGE_LAB=1</c>: scenarios 2 and 5 still fail on a real kernel (the vfio
/// modules stay loaded after the way back; docs/lab.md), and one lab boot takes minutes on a 2-core machine.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LODGE_LAB") != "1")
        {
            Skip = "The lab runs with LODGE_LAB=1 (./run-tests --lab); see docs/lab.md for what passes today.";
        }
    }
}
