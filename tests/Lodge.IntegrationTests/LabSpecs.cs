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
        // The default set (docs/lab.md says which scenario runs on which kernel, and why); LODGE_LAB=all runs every one.
        var run = Path.Combine(RepositoryRoot(), "lab", "run");
        string[] arguments = Environment.GetEnvironmentVariable("LODGE_LAB") == "all" ? ["--all"] : [];

        // Act
        var result = await HostProcesses.Runner.RunAsync(run, arguments, TimeSpan.FromMinutes(40));

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

/// <summary>The lab runs in the default test run. It needs root (lab/build makes the image with mmdebstrap) and
/// QEMU; <c>LODGE_LAB=0</c> (<c>./run-tests --no-lab</c>) leaves it out, for example on a machine without either.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LODGE_LAB") == "0")
        {
            Skip = "The lab was left out (LODGE_LAB=0, ./run-tests --no-lab).";
        }
        else if (Environment.UserName != "root")
        {
            Skip = "The lab needs root (lab/build makes its image with mmdebstrap in root mode); run ./run-tests as root.";
        }
    }
}
