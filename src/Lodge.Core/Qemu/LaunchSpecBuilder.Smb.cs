using System.Globalization;
using System.Text;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;

namespace Lodge.Core.Qemu;

/// <summary>The private smbd for SMB shares (macOS guests by default).</summary>
public static partial class LaunchSpecBuilder
{
    /// <summary>The TCP port the private smbd of a plan's guest listens on: 44500 to 44999, stable per machine.</summary>
    public static int SmbPortOf(MachinePlan plan) =>
        44500 + (int.Parse(plan.Network.Mac.Replace(":", "", StringComparison.Ordinal)[6..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 500);

    private static (HelperSpec Helper, List<string> Hints) Smbd(MachinePlan plan)
    {
        var dir = $"{plan.Layout.RunDir}/smb";
        var conf = $"{plan.Layout.RunDir}/smb.conf";
        var port = SmbPortOf(plan);
        var (listen, address) = plan.Network.Kind switch
        {
            NetworkKind.Bridge or NetworkKind.Tap => (plan.Network.Interface!, $"<host address on {plan.Network.Interface}>"),
            _ => ("127.0.0.1", "10.0.2.2"),
        };
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Written by Lodge for '{plan.Machine.Name}': a private smbd that only this guest can reach.
            [global]
              interfaces = {listen}
              bind interfaces only = yes
              smb ports = {port}
              disable netbios = yes
              server role = standalone server
              map to guest = Bad User
              load printers = no
              printcap name = /dev/null
              disable spoolss = yes
              pid directory = {dir}
              lock directory = {dir}
              state directory = {dir}
              cache directory = {dir}
              private dir = {dir}
              ncalrpc dir = {dir}/ncalrpc
              log file = {dir}/log.smbd

            """);
        var hints = new List<string>();
        foreach (var share in plan.Shares.Where(s => s.Protocol == "smb"))
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                [{share.Tag}]
                  path = {share.Host}
                  read only = no
                  guest ok = yes

                """);
            var how = plan.Machine.Os == Machines.GuestOs.MacOs ? " (Finder: Go > Connect to Server)" : "";
            hints.Add($"SMB share '{share.Tag}': smb://{address}:{port}/{share.Tag}{how}");
        }

        string[] argv = [plan.SmbdBinary, "--foreground", "--no-process-group", $"--configfile={conf}"];
        // The state folder must exist before smbd starts; a note file in it makes the runtime create it.
        var files = new Dictionary<string, string> { [conf] = text.ToString(), [$"{dir}/README.lodge"] = $"State of the private smbd of '{plan.Machine.Name}'.\n" };
        return (new HelperSpec("smbd", argv, null, files), hints);
    }
}
