using System.Diagnostics;
using Lodge.App.Host;
using Lodge.Cli.Json;
using Lodge.Core.Doctor;
using Lodge.Core.Passthrough;
using Lodge.Core.Privacy;
using Lodge.Linux;
using Lodge.Linux.Snapshot;
using Lodge.Linux.Sysfs;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>A snapshot replayed with --root gives the same answers as the host it was taken from.</summary>
public sealed class SnapshotSpecs
{
    public static TheoryData<string> Fixtures() => new(RepoPaths.HostFixtures);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void I_can_snapshot_a_captured_host_and_replay_it_with_the_same_answers(string fixture)
    {
        // Arrange
        using var work = new TreeCopy();
        var archive = Path.Combine(work.Root, "host.tar.gz");
        var replay = Directory.CreateDirectory(Path.Combine(work.Root, "replay")).FullName;
        var tree = RepoPaths.Host(fixture);

        // Act
        var snap = CliRun.Run("snapshot", "-o", archive, "--root", tree);
        Untar(archive, replay);

        // Assert
        Assert.Equal(0, snap.ExitCode);
        Assert.Equal(CliRun.Run("devices", "--json", "--root", tree).Out, CliRun.Run("devices", "--json", "--root", replay).Out);
        var original = CliRun.Run("doctor", "--json", "--root", tree);
        var replayed = CliRun.Run("doctor", "--json", "--root", replay);
        Assert.Equal(original.ExitCode, replayed.ExitCode);
        Assert.Equal(original.Out, replayed.Out);
        Assert.True(File.Exists(Path.Combine(replay, "FIXTURE.json")));
    }

    [Fact]
    public void I_can_snapshot_this_machine_and_replay_it_with_the_same_answers()
    {
        // Arrange
        using var work = new TreeCopy();
        var archive = Path.Combine(work.Root, "live.tar.gz");
        var replay = Directory.CreateDirectory(Path.Combine(work.Root, "replay")).FullName;
        var log = new HostAccessLog();
        var root = new HostRoot("/", log);
        var probe = ToolVersions.For(root);
        var recorder = probe is null ? null : new RecordingToolVersionProbe(probe, root);
        var live = new SysfsScanner(root, recorder, probeKvm: true).Scan();
        var liveAssessments = PassthroughAdvisor.Assess(live);

        // Act
        using (var stream = File.Create(archive))
        {
            SnapshotWriter.Write(stream, log, new PrivacyFilter(SnapshotWriter.CollectSecrets(root, log)), recorder?.Answers ?? new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);
        }

        Untar(archive, replay);
        var (replayed, replayedAssessments) = HostLoader.Load(replay, probeKvm: true);

        // Assert
        Assert.NotEmpty(live.PciDevices);
        Assert.Equal(DevicesJson.Write(live, liveAssessments), DevicesJson.Write(replayed, replayedAssessments));
        Assert.Equal(DoctorJson.Write(HostDoctor.Examine(live, liveAssessments)), DoctorJson.Write(HostDoctor.Examine(replayed, replayedAssessments)));
    }

    [Fact]
    public void A_snapshot_carries_no_serial_uuid_mac_or_host_name()
    {
        // Arrange
        using var tree = new TreeCopy(RepoPaths.Host("real-h100-vm"));
        File.WriteAllText(Path.Combine(tree.Root, "proc/cmdline"), "root=UUID=3f1b2c4d-1111-2222-3333-444455556666 ro quiet\n");
        Directory.CreateDirectory(Path.Combine(tree.Root, "proc/sys/kernel"));
        File.WriteAllText(Path.Combine(tree.Root, "proc/sys/kernel/hostname"), "secret-workstation\n");
        File.AppendAllText(Path.Combine(tree.Root, "proc/bus/input/devices"), "I: Bus=0005 Vendor=046d Product=b023\nN: Name=\"secret-workstation mouse\"\nU: Uniq=a4:c3:f0:11:22:33\nH: Handlers=mouse2 event9\n\n");
        using var work = new TreeCopy();
        var archive = Path.Combine(work.Root, "s.tar.gz");
        var replay = Directory.CreateDirectory(Path.Combine(work.Root, "replay")).FullName;

        // Act
        Assert.Equal(0, CliRun.Run("snapshot", "-o", archive, "--root", tree.Root).ExitCode);
        Untar(archive, replay);
        var everything = string.Join('\n', TreeCopy.Walk(replay)
            .Select(f => new FileInfo(f) is { LinkTarget: { } link } ? $"{f} -> {link}" : File.Exists(f) ? f + "\n" + File.ReadAllText(f) : f));

        // Assert
        Assert.Contains("root=UUID=00000000-0000-0000-0000-000000000000", File.ReadAllText(Path.Combine(replay, "proc/cmdline")));
        Assert.DoesNotContain("3f1b2c4d", everything);
        Assert.DoesNotContain("secret-workstation", everything);
        Assert.DoesNotContain("a4:c3:f0:11:22:33", everything);
    }

    [Fact]
    public void A_snapshot_carries_no_link_out_of_its_tree_and_no_disk_serial_from_the_kernel_command_line()
    {
        // Arrange: an absolute link and a link that climbs above the root (both resolve inside it for lodge, but
        // unpacked they would point into the machine that unpacks them), and a by-id disk name in the command line.
        using var tree = new TreeCopy(RepoPaths.Host("real-h100-vm"));
        var devices = Path.Combine(tree.Root, "sys/bus/pci/devices");
        File.Delete(Path.Combine(devices, "0000:00:00.0"));
        File.CreateSymbolicLink(Path.Combine(devices, "0000:00:00.0"), "/sys/devices/pci0000:00/0000:00:00.0");
        File.Delete(Path.Combine(devices, "0000:00:01.0"));
        File.CreateSymbolicLink(Path.Combine(devices, "0000:00:01.0"), "../../../../../../../../sys/devices/pci0000:00/0000:00:01.0");
        File.WriteAllText(Path.Combine(tree.Root, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz root=/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R123456A-part2 resume=/dev/disk/by-label/bobs-swap ro\n");
        using var work = new TreeCopy();
        var archive = Path.Combine(work.Root, "s.tar.gz");
        var replay = Directory.CreateDirectory(Path.Combine(work.Root, "replay")).FullName;

        // Act
        Assert.Equal(0, CliRun.Run("snapshot", "-o", archive, "--root", tree.Root).ExitCode);
        Untar(archive, replay);
        var links = TreeCopy.Walk(replay).Select(f => (Path: f, Target: new FileInfo(f).LinkTarget)).Where(l => l.Target is not null).ToList();
        var manifest = File.ReadAllText(Path.Combine(replay, SnapshotWriter.ManifestName));
        var cmdline = File.ReadAllText(Path.Combine(replay, "proc/cmdline"));

        // Assert
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.False(SnapshotWriter.LeavesTree(l.Path[replay.Length..], l.Target!), $"{l.Path} -> {l.Target} leaves the tree."));
        Assert.Contains("\"path\": \"/sys/bus/pci/devices/0000:00:00.0\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"target\": \"/sys/devices/pci0000:00/0000:00:00.0\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"path\": \"/sys/bus/pci/devices/0000:00:01.0\"", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("S5GXNF0R123456A", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain("Samsung_SSD", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain("bobs-swap", cmdline, StringComparison.Ordinal);
        Assert.Contains("root=/dev/disk/by-id/REDACTED resume=/dev/disk/by-label/REDACTED ro", cmdline, StringComparison.Ordinal);
    }

    private static void Untar(string archive, string into)
    {
        var psi = new ProcessStartInfo("tar") { RedirectStandardError = true };
        foreach (var a in new[] { "xzf", archive, "-C", into })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tar failed: {err}");
    }
}
