using Lodge.Core;
using Lodge.Core.Libvirt;
using Lodge.Linux.Runtime;

namespace Lodge.App.Machines;

/// <summary><c>lodge export NAME --libvirt [-o FILE [--force]]</c>.</summary>
public sealed partial class MachineService
{
    /// <summary>Plans <paramref name="name"/> and writes its libvirt domain XML, after checking <paramref name="target"/>
    /// (null: nothing is written): a machine definition is never written over, any other existing file only with
    /// <paramref name="force"/>. Nothing is written until <see cref="WriteExport"/>.</summary>
    public LibvirtExport ExportLibvirt(string name, string? target, bool force)
    {
        if (target is not null)
        {
            CheckTarget(target, _lodge.Machines, force);
        }

        var plan = Plan(name).Plan;
        return new LibvirtExport(DomainXmlWriter.Write(plan), plan.Warnings, DomainXmlWriter.Compromises(plan), target);
    }

    /// <summary>Writes the XML of <paramref name="export"/> to its target (temporary name, fsync, rename).</summary>
    public static void WriteExport(LibvirtExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        var target = export.Target ?? throw new ArgumentException("The export has no target file.", nameof(export));

        // HOST EFFECT: writes the XML file the user named (temporary name, fsync, rename).
        AtomicFile.WriteText(target, export.Xml);
    }

    // A machine definition is never overwritten (it is the user's source); any other existing file only with --force.
    private static void CheckTarget(string target, MachineStore store, bool force)
    {
        var full = Path.GetFullPath(target);
        var info = new FileInfo(full);
        var real = info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } link ? link.FullName : full;
        var machines = Path.GetFullPath(store.Directory).TrimEnd('/') + "/";
        if (real.EndsWith(".toml", StringComparison.Ordinal) && (real.StartsWith(machines, StringComparison.Ordinal) || full.StartsWith(machines, StringComparison.Ordinal)))
        {
            throw new ConfigException($"'{target}' is a machine definition in '{store.Directory}', and 'lodge export' never writes over one.") { Hint = "Write the XML to another file, such as NAME.xml." };
        }

        if (info.Exists && !force)
        {
            throw new ConfigException($"The file '{target}' already exists.") { Hint = "Add --force to replace it, or name another file." };
        }
    }
}
