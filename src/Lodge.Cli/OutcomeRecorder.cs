using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Reports;

namespace Lodge.Cli;

/// <summary>Records the outcome of every <c>lodge up</c> and handoff in the outcome database.</summary>
/// <remarks>Recording never decides a guest's fate: a database that cannot be written gives a warning on stderr.</remarks>
public static class OutcomeRecorder
{
    /// <summary>Adds a report; returns its id, or null when the database could not be written.</summary>
    public static long? Record(CliContext context, Lodge.App.LodgeHost lodge, HostSnapshot host, MachineConfig machine, PciDevice? gpu, ReportResult result, IReadOnlyDictionary<string, string>? resolved = null)
    {
        try
        {
            using var store = lodge.OpenReports();
            return store.Add(ReportFactory.Create(host, machine, gpu, result, context.Time.GetUtcNow(), resolved));
        }
        catch (Exception e) when (e is LodgeException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Warn(context, machine.Name, e);
            return null;
        }
    }

    /// <summary>Replaces the result of report <paramref name="id"/> (a detached guest's real end); false when it could not.</summary>
    public static bool Update(CliContext context, Lodge.App.LodgeHost lodge, string machine, long id, ReportResult result)
    {
        try
        {
            using var store = lodge.OpenReports();
            return store.UpdateResult(id, result);
        }
        catch (Exception e) when (e is LodgeException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Warn(context, machine, e);
            return false;
        }
    }

    // Recording never decides a guest's fate, and never ends a command with a crash: one warning, with the way out.
    private static void Warn(CliContext context, string machine, Exception e)
    {
        context.Error.WriteLine($"Warning: the outcome of '{machine}' was not recorded: {e.Message}");
        if (e is LodgeException { Hint: { } hint })
        {
            context.Error.WriteLine($"  {hint}");
        }
    }
}
