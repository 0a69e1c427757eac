namespace Lodge.Linux.Reports;

/// <summary>Collects the names a shared report must not contain: the host name and the users' names.</summary>
public static class PrivacySecrets
{
    /// <summary>Host names from /etc/hostname and /proc/sys/kernel/hostname, DMI serial numbers, user names of /etc/passwd's human accounts (uid ≥ 1000), and $USER/$SUDO_USER.</summary>
    public static IReadOnlyList<string> Collect(HostRoot root)
    {
        var secrets = new List<string>();
        foreach (var path in new[] { "/etc/hostname", "/proc/sys/kernel/hostname" })
        {
            if (root.ReadAttribute(path) is { Length: > 0 } name)
            {
                secrets.Add(name);
                if (name.IndexOf('.') is > 0 and var dot)
                {
                    secrets.Add(name[..dot]);
                }
            }
        }

        // Serial numbers are read only to be removed; they are never stored.
        foreach (var name in new[] { "product_serial", "board_serial", "chassis_serial", "product_uuid", "board_asset_tag", "chassis_asset_tag" })
        {
            if (root.ReadAttribute($"/sys/class/dmi/id/{name}") is { Length: >= 4 } serial && serial != "Default string" && serial != "To Be Filled By O.E.M.")
            {
                secrets.Add(serial);
            }
        }

        // alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash
        foreach (var line in (root.ReadText("/etc/passwd") ?? string.Empty).Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 5 && int.TryParse(f[2], System.Globalization.CultureInfo.InvariantCulture, out var uid) && uid is >= 1000 and < 65534)
            {
                secrets.Add(f[0]);
                var gecos = f[4].Split(',')[0];
                if (gecos.Length > 0)
                {
                    secrets.Add(gecos);
                    secrets.AddRange(gecos.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        foreach (var variable in new[] { "USER", "SUDO_USER", "LOGNAME" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } user && user != "root")
            {
                secrets.Add(user);
            }
        }

        return secrets.Distinct(StringComparer.Ordinal).ToList();
    }
}
