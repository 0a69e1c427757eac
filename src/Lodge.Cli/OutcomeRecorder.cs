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
    public static long? Record(CliContext context, string? databaseOption, HostSnapshot host, MachineConfig machine, PciDevice? gpu, ReportResult result, IReadOnlyDictionary<string, string>? resolved = null)
    {
        try
        {
            using var store = ReportsDatabase.Open(databaseOption);
            return store.Add(ReportFactory.Create(host, machine, gpu, result, context.Time.GetUtcNow(), resolved));
        }
        catch (LodgeException e)
        {
            context.Error.WriteLine($"Warning: the outcome of '{machine.Name}' was not recorded: {e.Message}");
            return null;
        }
    }
}
