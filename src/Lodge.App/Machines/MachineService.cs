using Lodge.App.Host;
using Lodge.App.Reports;
using Lodge.Core;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Machines;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;
using Lodge.Linux.Sysfs;

namespace Lodge.App.Machines;

/// <summary>Loads a machine, checks it against the host, and plans it: what <c>check</c>, <c>plan</c>, <c>args</c>,
/// <c>export</c>, <c>up</c> and the handoff share.</summary>
public sealed partial class MachineService
{
    private readonly LodgeHost _lodge;

    /// <summary>The machines of <paramref name="lodge"/>: its machine files, its host root and its run and state roots.</summary>
    public MachineService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary>The layout a machine's files get: below <c>LODGE_RUN_DIR</c> and <c>LODGE_STATE_DIR</c> (or /run/lodge and /var/lib/lodge).</summary>
    /// <remarks>The one place a machine's run and state folders come from, so that what <c>plan</c> and <c>args</c>
    /// print is what <c>up</c> uses.</remarks>
    public RuntimeLayout LayoutOf(string name) =>
        new(_lodge.Paths.Roots.RunDir(name), _lodge.Paths.Roots.StateDir(name));

    /// <summary>Every problem with machine <paramref name="name"/>: its file, the host (what <c>up</c> would refuse for its
    /// passed controllers included), and the safety of its disks, shares and sockets, in file order.</summary>
    public MachineCheck Check(string name, bool probeKvm = false)
    {
        var store = _lodge.Machines;
        var parsed = store.Load(name);

        // A guest that takes no host PCI device needs no function's capabilities (the slow part of a scan in a VM) and
        // no device's name: its plan, its problems and its report name no host device (the report names the guest's GPU).
        var scope = parsed.Machine.TakesHostPciDevices ? ScanScope.Everything : ScanScope.Everything & ~ScanScope.PciCapabilities & ~ScanScope.Names;
        var (host, assessments) = HostLoader.Load(_lodge.Root.Path, probeKvm: probeKvm, scope: scope);
        var all = store.LoadAll().Select(r => r.Machine).ToList();
        var facts = new PathFactsReader(_lodge.Root);
        // The disks behind the passed controllers that the host uses, found as 'lodge up' finds them before it binds.
        var controllers = PassedController.Of(parsed.Machine, host, assessments).SelectMany(p => p.Functions).ToList();
        var controllerDisks = controllers.Count > 0 ? _lodge.Controllers().DisksInUse(controllers) : [];
        var problems = parsed.Problems
            .Concat(MachineValidator.Validate(parsed.Machine, host, assessments, all, controllerDisks))
            .Concat(MachineSafety.Validate(parsed.Machine, LayoutOf(name), facts.Read, PathFactsReader.UserUids()))
            .OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column)
            .ToList();
        return new MachineCheck(parsed, host, assessments, problems);
    }

    /// <summary>Throws the refusal of a machine that <c>lodge check</c> refuses (one or more errors); what <see cref="Plan"/>
    /// and the handoff's dry run and simulation say for it.</summary>
    public static void EnsureValid(MachineCheck check, string name)
    {
        ArgumentNullException.ThrowIfNull(check);
        var errors = check.Problems.Count(p => p.Severity == Severity.Error);
        if (errors > 0)
        {
            throw new ConfigException($"The machine '{name}' has {errors} error(s), so it cannot be planned.") { Hint = $"Run 'lodge check {name}' to see each one with its fix." };
        }
    }

    /// <summary>The plan of machine <paramref name="name"/> with the host it was made against; throws
    /// <see cref="ConfigException"/> when the machine has errors.</summary>
    /// <param name="name">The machine.</param>
    /// <param name="probeKvm">Whether to learn if KVM works (what <c>up</c> needs to choose the accelerator).</param>
    public PlannedMachine Plan(string name, bool probeKvm = false)
    {
        var check = Check(name, probeKvm);
        EnsureValid(check, name);

        var layout = LayoutOf(name);
        var plan = MachinePlanner.Plan(check.Parsed.Machine, check.Host, check.Assessments, layout);

        // The stable UUID is created only on the running system; a captured tree (--root) never gets a file written for it.
        return new PlannedMachine(plan with { Uuid = MachineIdentity.Load(layout.StateDir, name, create: _lodge.Root.IsSystemRoot) }, check.Host);
    }

    /// <summary><c>lodge new</c>: writes a new machine file with defaults from this host (or from a report that worked);
    /// returns its path. Throws when the machine exists, the report is unknown, or no OS was given.</summary>
    public string New(NewMachineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var store = _lodge.Machines;
        var path = store.PathOf(request.Name);
        if (File.Exists(path))
        {
            throw new ConfigException($"The machine '{request.Name}' already exists at '{path}'.") { Hint = "Edit that file, or pick another name." };
        }

        var (host, assessments) = HostLoader.Load(_lodge.Root.Path);
        string text;
        if (request.Like is { } reference)
        {
            using var reports = _lodge.OpenReports();
            (Core.Reports.OutcomeReport Report, string? CatalogId)? found;
            try
            {
                found = reports.Find(reference);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException(e.Message.Split(" (Parameter", 2)[0]) { Hint = "Run 'lodge report query' to see the ids." };
            }

            var (report, catalogId) = found ?? throw new ReportNotFoundException($"There is no report '{reference}' in the outcome database.") { Hint = "Run 'lodge report pull' to fetch the catalog, or 'lodge report list' for local ids." };
            text = Core.Catalog.MachineFromReport.Write(report, catalogId ?? reference, host, assessments);
        }
        else
        {
            var osName = request.Os ?? throw new ConfigException("Say which OS the machine runs: --os windows11|windows10|macos|linux|other (or --like REPORT-ID).");
            var guestOs = (GuestOs)Array.IndexOf(MachineParser.OsNames, osName);
            text = MachineTemplate.Write(guestOs, request.Gpu, host, assessments);
        }

        // HOST EFFECT: the new machine file (and its folder).
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(path, text);
        return path;
    }
}
