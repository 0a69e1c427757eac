using System.Diagnostics;
using Lodge.Core.Qemu;
using Lodge.Core.Tests.Planning;
using Lodge.Qmp.Commands;
using Xunit.Abstractions;
using Lodge.Testing;

namespace Lodge.Core.Tests.Qemu;

/// <summary>Real QEMU (TCG, paused with -S) accepts every golden argv, minus only what needs absent hardware, each named.</summary>
public sealed class QemuAcceptanceSpecs(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => [.. PlanCases.Names];

    [Theory(Timeout = Patience.TestMilliseconds)]
    [MemberData(nameof(Cases))]
    public async Task Real_QEMU_accepts_the_argv_of_every_golden_plan(string name)
    {
        // Arrange
        var scratch = Directory.CreateTempSubdirectory("lq-").FullName;
        await using var helpers = new HelperSet();
        try
        {
            var layout = TcgStandIns.LayoutIn(scratch);
            var (plan, _) = PlanCases.Load(name, layout);
            var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions("tcg"));
            Directory.CreateDirectory(layout.RunDir);
            Directory.CreateDirectory(layout.StateDir);
            foreach (var disk in spec.DisksToCreate)
            {
                await Run("qemu-img", "create", "-q", "-f", disk.Format, disk.Path, disk.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (spec.Nvram is { } nvram)
            {
                File.Copy(nvram.Template, nvram.Target);
            }

            // virtiofsd runs for real when the plan's binary exists here (this machine's is the C one, which needs root).
            var virtiofsd = spec.Helpers.Where(h => h.Name.StartsWith("virtiofsd-", StringComparison.Ordinal)).ToList();
            var runVirtiofsd = virtiofsd.Count > 0 && virtiofsd.All(h => File.Exists(h.Argv[0])) && Environment.IsPrivilegedProcess;
            var standIns = new TcgStandIns(scratch) { VirtiofsdRuns = runVirtiofsd };
            var argv = standIns.Apply(spec.QemuArgv);
            foreach (var (path, format) in standIns.Images)
            {
                await Run("qemu-img", "create", "-q", "-f", format, path, "16M");
            }

            foreach (var helper in spec.Helpers.Where(h => h.Name == "swtpm"))
            {
                Directory.CreateDirectory(plan.TpmStateDir!);
                await helpers.StartAsync(helper.Argv, helper.ReadySocket!);
            }

            foreach (var helper in runVirtiofsd ? virtiofsd : [])
            {
                var share = Directory.CreateDirectory(Path.Combine(scratch, "vfs-" + helper.Name)).FullName;
                var shared = plan.Shares.Single(s => helper.Name == "virtiofsd-" + s.Tag).Host;
                output.WriteLine($"stand-in: virtiofsd shares '{share}' instead of '{shared}'");
                await helpers.StartAsync([.. helper.Argv.Select(a => a.Replace(shared, share, StringComparison.Ordinal))], helper.ReadySocket!, probe: false);
            }

            var notStarted = spec.Helpers.Where(h => h.Name != "swtpm" && !(runVirtiofsd && virtiofsd.Contains(h)));
            foreach (var left in standIns.LeftOut.Concat(notStarted.Select(h => $"helper {h.Name}: not started here")))
            {
                output.WriteLine($"left out: {left}");
            }

            // Act
            await using var qemu = RealQemu.Start([.. argv, "-S"]);
            await qemu.WaitForSocketAsync(spec.QmpSocket, Patience.Event);
            await using var client = await QmpClient.ConnectUnixAsync(spec.QmpSocket);
            var status = await client.QueryStatusAsync();
            await client.QuitAsync();
            await qemu.Process.WaitForExitAsync();

            // Assert
            Assert.Equal("prelaunch", status.Status);
            Assert.False(status.Running);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task Run(params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"'{string.Join(' ', argv)}' failed: {error}");
    }
}
