using System.CommandLine;
using Lodge.App.Host;
using Lodge.Cli.Json;
using Lodge.Cli.Rendering;
using Lodge.Core.Doctor;
using Lodge.Core.Reports;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge doctor [--json]</c>: the go/no-go report; the exit code says go (0), no GPU (1) or no KVM (2).</summary>
public static class DoctorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the report." };
        var command = new Command("doctor", "Check whether this host can run guests and pass devices through, and say how to fix what is missing. Exit code 0: a GPU can be passed through; 1: guests run but no GPU can; 2: no KVM.");
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var (host, assessments) = HostLoader.Load(parse.GetValue(LodgeApp.RootOption) ?? "/", probeKvm: true);
            var report = HostDoctor.Examine(host, assessments);
            using (var store = context.Host(parse).OpenExistingReports())
            {
                if (store is not null)
                {
                    // Only the reports of this host's GPUs, through the GPU index: the catalog may hold 100,000.
                    var reports = report.Gpus.Where(g => g.Device.VendorId is not null && g.Device.DeviceId is not null)
                        .SelectMany(g => store.ForGpu($"{g.Device.VendorId:x4}:{g.Device.DeviceId:x4}")).DistinctBy(r => r.Id).ToList();
                    report = report with { Sections = [.. report.Sections, KnownOutcomes.Section(report.Gpus, reports, host)] };
                }
            }

            if (HeldSection(context, parse) is { } held)
            {
                report = report with { Sections = [.. report.Sections, held] };
            }

            if (parse.GetValue(json))
            {
                DoctorJson.WriteTo(context.Out, report);
            }
            else
            {
                DoctorView.Render(context.Console, report);
            }

            return report.ExitCode;
        });
        return command;
    }

    // Only when Lodge holds something, so a host without Lodge's journals reads as before.
    private static DoctorSection? HeldSection(CliContext context, System.CommandLine.ParseResult parse)
    {
        if ((parse.GetValue(LodgeApp.RootOption) ?? "/") != "/")
        {
            return null; // the journals describe this host, not a captured tree
        }

        var held = App.Runtime.HeldByLodge.Read(new Lodge.Linux.Runtime.GuestStateStore(context.Roots));
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
            checks.Add(new DoctorCheck(CheckStatus.Warning, "Hugepage journal", damage, Lodge.Linux.HugePages.HugePageJournalDamagedException.HintFor(held.HugePageJournal)));
        }

        if (held.IsolatingGuest is { } guest)
        {
            checks.Add(new DoctorCheck(CheckStatus.Info, "CPU isolation", $"system.slice, user.slice and init.scope are limited to the housekeeping CPUs{(guest.Length > 0 ? $" for '{guest}'" : string.Empty)}.", "Stopping the guest or 'lodge rescue' gives them every CPU back."));
        }

        return new DoctorSection("Held by Lodge", checks);
    }
}
