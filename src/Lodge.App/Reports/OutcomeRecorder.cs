using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Reports;

namespace Lodge.App.Reports;

/// <summary>Records the outcome of every <c>lodge up</c> and handoff in the outcome database of a <see cref="LodgeHost"/>.</summary>
/// <remarks>Recording never decides a guest's fate: a database that cannot be written gives a warning through
/// <c>warn</c> (the CLI prints it on stderr) and the command goes on.</remarks>
public sealed class OutcomeRecorder
{
    private readonly LodgeHost _lodge;
    private readonly Action<string> _warn;

    /// <summary>Records into <paramref name="lodge"/>'s database, timestamped by its clock; <paramref name="warn"/> gets
    /// each line of a warning when the database cannot be written.</summary>
    public OutcomeRecorder(LodgeHost lodge, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        ArgumentNullException.ThrowIfNull(warn);
        _lodge = lodge;
        _warn = warn;
    }

    /// <summary>Adds a report; returns its id, or null when the database could not be written.</summary>
    public long? Record(HostSnapshot host, MachineConfig machine, PciDevice? gpu, ReportResult result, IReadOnlyDictionary<string, string>? resolved = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        try
        {
            using var store = _lodge.OpenReports();
            return store.Add(ReportFactory.Create(host, machine, gpu, result, _lodge.Time.GetUtcNow(), resolved));
        }
        catch (Exception e) when (e is LodgeException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Warn(machine.Name, e);
            return null;
        }
    }

    /// <summary>Replaces the result of report <paramref name="id"/> (a detached guest's real end); false when it could not.</summary>
    public bool Update(string machine, long id, ReportResult result)
    {
        try
        {
            using var store = _lodge.OpenReports();
            return store.UpdateResult(id, result);
        }
        catch (Exception e) when (e is LodgeException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Warn(machine, e);
            return false;
        }
    }

    // Recording never decides a guest's fate, and never ends a command with a crash: one warning, with the way out.
    private void Warn(string machine, Exception e)
    {
        _warn($"Warning: the outcome of '{machine}' was not recorded: {e.Message}");
        if (e is LodgeException { Hint: { } hint })
        {
            _warn($"  {hint}");
        }
    }
}
