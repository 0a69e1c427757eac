using System.CommandLine;
using Lodge.Web;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge serve [--listen ADDR:PORT] [--print-url] [--tcg]</c>: the web dashboard, from this same binary.</summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var listen = new Option<string?>("--listen") { Description = "Listen on ADDR:PORT instead of 127.0.0.1:7420 (a non-loopback address lets other machines on that network reach the dashboard).", HelpName = "ADDR:PORT" };
        var printUrl = new Option<bool>("--print-url") { Description = "Print the login URL with the token (made on first use, kept 0600 in the state folder) and exit." };
        var tcg = new Option<bool>("--tcg") { Description = "Start guests under TCG emulation (hosts without KVM)." };
        var command = new Command("serve", "Run the web dashboard: the host, the guests (start, shut down, console, logs, USB) and the reports, from a browser or from inside a guest (http://10.0.2.2:7420 on QEMU's user network).");
        command.Options.Add(listen);
        command.Options.Add(printUrl);
        command.Options.Add(tcg);
        var simulated = HandoffSuperviseCommand.SimulatedHostOption();
        command.Options.Add(simulated);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var host = context.Host(parse);
            var address = parse.GetValue(listen) is { } text ? ListenAddress.Parse(text) : ListenAddress.Default;
            var token = DashboardToken.LoadOrCreate(host.Paths.StateRoot);
            if (parse.GetValue(printUrl))
            {
                context.Out.WriteLine($"http://{address}/login?token={token}");
                return ExitCodes.Ok;
            }

            if (!address.IsLoopback)
            {
                context.Error.WriteLine($"Warning: the dashboard listens on {address}, which other machines on that network can reach; anyone who gets the login link controls your guests. Use it only on a network you trust (a host-only bridge).");
            }

            // One composition root, built as every other command builds its own (--root, --config-dir, --reports-db and the
            // environment): the dashboard calls the App's services on it in this process.
            var settings = new DashboardSettings(address, token, host, new Json.CliDashboardRenderer(), parse.GetValue(tcg), host.TestHooks)
            {
                SimulatedHost = parse.GetValue(simulated),
            };
            await new DashboardServer(settings).RunAsync(() =>
            {
                context.Error.WriteLine($"Lodge dashboard on http://{address}/ ; 'lodge serve --print-url' prints the login link. Ctrl-C stops it.");
                context.Error.Flush();
            }, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
