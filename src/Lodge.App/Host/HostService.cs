using Lodge.Core;
using Lodge.Core.Doctor;
using Lodge.Core.Privacy;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Snapshot;
using Lodge.Linux.Sysfs;

namespace Lodge.App.Host;

/// <summary>The host: its devices (read only as far as the command shows them), the doctor's examination, and a
/// privacy-filtered snapshot of what lodge reads. Returns data; the CLI and the dashboard render it.</summary>
public sealed class HostService
{
    private readonly LodgeHost _lodge;

    /// <summary>The host below <paramref name="lodge"/>'s root.</summary>
    public HostService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary>Reads the host as far as <paramref name="scope"/> and assesses every device.</summary>
    public HostScan Scan(ScanScope scope = ScanScope.Everything, bool probeKvm = false)
    {
        var (host, assessments) = HostLoader.Load(_lodge.Root.Path, probeKvm: probeKvm, scope: scope);
        return new HostScan(host, assessments);
    }

    /// <summary><c>lodge devices</c>: PCI, IOMMU groups, drivers and names only (<paramref name="fullScan"/>: everything, as doctor reads it).</summary>
    public HostScan Devices(bool fullScan = false) => Scan(fullScan ? ScanScope.Everything : ScanScope.Devices);

    /// <summary><c>lodge doctor</c>: the whole host examined, with the recorded outcomes of this host's GPUs when the
    /// outcome database exists (it is never created here).</summary>
    public DoctorReport Doctor()
    {
        var (host, assessments) = Scan(probeKvm: true);
        var report = HostDoctor.Examine(host, assessments);
        using var store = _lodge.OpenExistingReports();
        if (store is not null)
        {
            // Counted in SQL per GPU of this host, only the best report read whole: the catalog may hold 100,000.
            report = report with { Sections = [.. report.Sections, KnownOutcomes.Section(report.Gpus, (gpu, closeTo) => store.Summarise(gpu, closeTo, best: 1), host)] };
        }

        if (HeldSection() is { } held)
        {
            report = report with { Sections = [.. report.Sections, held] };
        }

        return report;
    }

    // What Lodge still holds (hugepages, CPU isolation), only when it holds something, so a host without Lodge's
    // journals reads as before; never for a captured tree, which the journals do not describe.
    private DoctorSection? HeldSection()
    {
        if (_lodge.Root.Path != "/")
        {
            return null;
        }

        var held = Runtime.HeldByLodge.Read(new Linux.Runtime.GuestStateStore(_lodge.Paths.Roots));
        if (held.IsEmpty)
        {
            return null;
        }

        var checks = held.HugePages.Select(h => h.Running
                ? new DoctorCheck(CheckStatus.Info, "Hugepages", $"{h.Reservation.Describe()}, which is running.")
                : new DoctorCheck(CheckStatus.Warning, "Hugepages", $"{h.Reservation.Describe()}, which is not running.", "Run 'lodge rescue' to give them back."))
            .ToList();
        if (held.HugePageDamage is { } damage)
        {
            checks.Add(new DoctorCheck(CheckStatus.Warning, "Hugepage journal", damage, Linux.HugePages.HugePageJournalDamagedException.HintFor(held.HugePageJournal)));
        }

        if (held.IsolatingGuest is { } guest)
        {
            checks.Add(new DoctorCheck(CheckStatus.Info, "CPU isolation", $"system.slice, user.slice and init.scope are limited to the housekeeping CPUs{(guest.Length > 0 ? $" for '{guest}'" : string.Empty)}.", "Stopping the guest or 'lodge rescue' gives them every CPU back."));
        }

        checks.AddRange(held.Controllers.Select(c => c.Running && c.Damage is null
            ? new DoctorCheck(CheckStatus.Info, "Passed controllers", c.Sentence())
            : new DoctorCheck(CheckStatus.Warning, "Passed controllers", c.Sentence(), "Run 'lodge rescue' to give them back.")));
        return new DoctorSection("Held by Lodge", checks);
    }

    /// <summary><c>lodge snapshot -o FILE</c>: captures every host file lodge reads into a .tar.gz, with serial numbers,
    /// MAC addresses, UUIDs and host names removed; written to a temporary name and renamed.</summary>
    public SnapshotResult Snapshot(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rootPath = _lodge.Root.Path;
        if (!Directory.Exists(rootPath))
        {
            throw new HostAccessException($"The host root '{rootPath}' is not a directory.", rootPath);
        }

        var log = new HostAccessLog();
        var root = new HostRoot(rootPath, log);
        var inner = ToolVersions.For(root);
        var recorder = inner is null ? null : new RecordingToolVersionProbe(inner, root);
        var host = new SysfsScanner(root, recorder, probeKvm: true).Scan();
        var filter = new PrivacyFilter(SnapshotWriter.CollectSecrets(root, log));
        var temp = target + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                SnapshotWriter.Write(stream, log, filter, recorder?.Answers ?? new Dictionary<string, string>(), _lodge.Time.GetUtcNow());
            }

            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"Cannot write the snapshot '{target}'.", target, e) { Hint = "Choose a writable path with -o." };
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return new SnapshotResult(target, log.Entries.Count, host.PciDevices.Count);
    }
}
