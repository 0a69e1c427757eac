namespace Lodge.App.Machines;

/// <summary>A machine as libvirt domain XML, with what libvirt cannot say.</summary>
/// <param name="Xml">The domain XML.</param>
/// <param name="Warnings">The plan's warnings.</param>
/// <param name="Compromises">What the XML says differently from the argv (libvirt drops XML comments on define, so they are said aloud).</param>
/// <param name="Target">The file it goes to (checked: never a machine definition, an existing file only when forced); null: standard output.</param>
public sealed record LibvirtExport(string Xml, IReadOnlyList<string> Warnings, IReadOnlyList<string> Compromises, string? Target);
