using Lodge.Core.Machines;

namespace Lodge.Core.Autostart;

/// <summary>The systemd units <c>lodge enable</c> writes: one per guest that starts at boot, and one for the dashboard.</summary>
/// <remarks>Enabling is what <c>systemctl enable</c> does for <c>WantedBy=multi-user.target</c>: the unit in
/// <see cref="UnitDirectory"/> and a link to it in <see cref="WantsDirectory"/>. Every unit starts after
/// <c>lodge-rescue.service</c>, so a handoff that did not finish before the reboot is undone before a guest takes the GPU.</remarks>
public static class AutostartUnits
{
    /// <summary>Where the units go.</summary>
    public const string UnitDirectory = "/etc/systemd/system";

    /// <summary>Where the enable links go.</summary>
    public const string WantsDirectory = "/etc/systemd/system/multi-user.target.wants";

    /// <summary>The binary the units run (the same path as <c>lodge-rescue.service</c>'s).</summary>
    public const string Binary = "/usr/local/bin/lodge";

    /// <summary>The dashboard's unit.</summary>
    public const string ServeUnitName = "lodge-serve.service";

    private const string GuestPrefix = "lodge-guest-";

    private const string Suffix = ".service";

    /// <summary>The unit of guest <paramref name="machine"/> (a checked machine name: letters, digits, '-', '_', '.').</summary>
    public static string GuestUnitName(string machine) => GuestPrefix + machine + Suffix;

    /// <summary>The machine a unit name stands for, or null when it is not a guest unit.</summary>
    public static string? MachineOf(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        return unitName.StartsWith(GuestPrefix, StringComparison.Ordinal) && unitName.EndsWith(Suffix, StringComparison.Ordinal) && unitName.Length > GuestPrefix.Length + Suffix.Length
            ? unitName[GuestPrefix.Length..^Suffix.Length]
            : null;
    }

    /// <summary>The unit that starts <paramref name="machine"/> at boot.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="gpuMode">Its GPU mode: with <c>handoff</c> or <c>dedicated</c> the unit runs <c>lodge up NAME</c> in the
    /// foreground (the GPU comes back when the guest stops, and stopping the unit powers the guest off and gives it back);
    /// otherwise <c>lodge up NAME --detach</c>, and stopping the unit runs <c>lodge down NAME</c>.</param>
    /// <param name="shutdownSeconds">How long the guest may take to power off through ACPI when the unit stops.</param>
    public static string GuestUnit(string machine, GpuMode? gpuMode, int shutdownSeconds)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var foreground = gpuMode is GpuMode.Handoff or GpuMode.Dedicated;

        // Room for the ACPI power-off, then the way back of a handoff (unbind, rebind, display manager).
        var stopSeconds = shutdownSeconds + 120;
        var service = foreground
            ? $"""
              # The handoff runs in the foreground: the GPU goes to the guest and comes back when the guest stops.
              # Stopping the unit sends SIGTERM to lodge only (KillMode=mixed), which powers the guest off and gives the GPU back.
              Type=simple
              ExecStart={Binary} up {machine}
              KillMode=mixed
              """
            : $"""
              Type=oneshot
              RemainAfterExit=yes
              ExecStart={Binary} up {machine} --detach
              ExecStop={Binary} down {machine} --timeout {shutdownSeconds}
              KillMode=mixed
              """;
        return $"""
            # Written by 'lodge enable {machine}'; 'lodge disable {machine}' removes it.
            [Unit]
            Description=Lodge: guest {machine}
            After=lodge-rescue.service network-online.target
            Wants=network-online.target

            [Service]
            {service}
            TimeoutStartSec=10min
            TimeoutStopSec={stopSeconds}s

            [Install]
            WantedBy=multi-user.target

            """;
    }

    /// <summary>The unit that runs the dashboard at boot, on <paramref name="listen"/> when given (else serve's default).</summary>
    public static string ServeUnit(string? listen)
    {
        var args = listen is null ? "" : $" --listen {listen}";
        return $"""
            # Written by 'lodge enable --serve'; 'lodge disable --serve' removes it.
            [Unit]
            Description=Lodge: the web dashboard
            After=lodge-rescue.service network.target

            [Service]
            Type=simple
            ExecStart={Binary} serve{args}
            # The dashboard's guests and handoffs run in processes of their own; stopping the dashboard leaves them running.
            KillMode=process
            Restart=on-failure

            [Install]
            WantedBy=multi-user.target

            """;
    }
}
