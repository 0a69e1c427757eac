using Lodge.Core;
using Lodge.Core.Autostart;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Linux;
using Lodge.Linux.Host;

namespace Lodge.App.Autostart;

/// <summary><c>lodge enable</c> / <c>disable</c>: the systemd units that start guests and the dashboard at boot, written
/// below the host's root through its one file writer, and which of them are enabled.</summary>
public sealed class AutostartService(LodgeHost host)
{
    /// <summary>How long a guest has to power off through ACPI when its unit stops (<c>lodge down</c>'s default).</summary>
    public const int ShutdownSeconds = 60;

    /// <summary>Writes and enables the unit of machine <paramref name="name"/> (which must exist and parse);
    /// returns the unit's host path.</summary>
    public string EnableGuest(string name)
    {
        ArgumentNullException.ThrowIfNull(host);
        var parsed = host.Machines.Load(name);
        if (parsed.Problems.Any(p => p.Severity == Severity.Error))
        {
            throw new ConfigException($"The machine '{name}' has errors, so it is not enabled at boot.") { Hint = $"Run 'lodge check {name}' and fix what it prints." };
        }

        return Write(AutostartUnits.GuestUnitName(name), AutostartUnits.GuestUnit(name, parsed.Machine.Gpu?.Mode, ShutdownSeconds));
    }

    /// <summary>Writes and enables the dashboard's unit (listening on <paramref name="listen"/>, else serve's default).</summary>
    public string EnableServe(string? listen) => Write(AutostartUnits.ServeUnitName, AutostartUnits.ServeUnit(listen));

    /// <summary>Removes the unit of <paramref name="name"/> and its enable link; false when it was not enabled.</summary>
    public bool DisableGuest(string name)
    {
        if (MachineName.CheckForm(name) is { } bad)
        {
            throw bad;
        }

        return Remove(AutostartUnits.GuestUnitName(name));
    }

    /// <summary>Removes the dashboard's unit and its enable link; false when it was not enabled.</summary>
    public bool DisableServe() => Remove(AutostartUnits.ServeUnitName);

    /// <summary>The machines whose unit is enabled, by name, and whether the dashboard's is.</summary>
    public AutostartState Enabled()
    {
        // A fresh view: a write of this same invocation may have changed the folder.
        var root = new HostRoot(host.Root.Path);
        var links = root.ListDirectory(AutostartUnits.WantsDirectory)
            .Where(n => root.Exists(HostRoot.Combine(AutostartUnits.UnitDirectory, n)) && root.ReadLink(HostRoot.Combine(AutostartUnits.WantsDirectory, n)) is not null)
            .ToList();
        return new AutostartState(
            [.. links.Select(AutostartUnits.MachineOf).OfType<string>()],
            links.Contains(AutostartUnits.ServeUnitName));
    }

    /// <summary>Whether the binary the units run exists below the root.</summary>
    public bool BinaryInstalled() => new HostRoot(host.Root.Path).Exists(AutostartUnits.Binary);

    private string Write(string unit, string text)
    {
        var files = host.Files;
        var path = HostRoot.Combine(AutostartUnits.UnitDirectory, unit);
        files.Write(path, System.Text.Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        files.Link(HostRoot.Combine(AutostartUnits.WantsDirectory, unit), path);
        return path;
    }

    private bool Remove(string unit)
    {
        var root = new HostRoot(host.Root.Path);
        var path = HostRoot.Combine(AutostartUnits.UnitDirectory, unit);
        var link = HostRoot.Combine(AutostartUnits.WantsDirectory, unit);
        var existed = root.Exists(path) || root.ReadLink(link) is not null;
        var files = host.Files;
        files.Delete(link);
        files.Delete(path);
        return existed;
    }
}
