using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>The binary Lodge ships: the NativeAOT <c>.build/lodge/lodge</c> that <c>./lodge</c> builds from these sources
/// (as the lab takes it), not the JIT apphost next to the tests.</summary>
public static class NativeLodge
{
    // A NativeAOT publish takes minutes of both cores on this machine, more under load: a limit, not a deadline.
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(30);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    /// <summary>Builds the binary when the sources changed since the last build (<c>./lodge --version</c>) and returns its path.</summary>
    public static async Task<string> EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var build = await HostProcesses.Runner.RunAsync(Path.Combine(RepoPaths.Root, "lodge"), ["--version"], BuildLimit);
            Assert.False(build.TimedOut, $"./lodge --version did not build the native binary within {BuildLimit.TotalMinutes} minutes:\n{build.StandardError}");
            Assert.True(build.ExitCode == 0, "./lodge --version failed:\n" + build.StandardOutput + build.StandardError);
            var path = Path.Combine(RepoPaths.Root, ".build", "lodge", "lodge");
            Assert.True(File.Exists(path), $"./lodge --version left no '{path}'.");

            // The NativeAOT publish has no managed assemblies beside it (a JIT build would have Lodge.Cli.dll there).
            Assert.False(File.Exists(Path.Combine(RepoPaths.Root, ".build", "lodge", "Lodge.Cli.dll")), "The binary in .build/lodge is not a NativeAOT build.");
            Console.WriteLine($"The native binary was ready after {clock.Elapsed.TotalSeconds:0.0} s.");
            _path = path;
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
