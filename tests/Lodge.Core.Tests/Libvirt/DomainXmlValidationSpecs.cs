using System.Diagnostics;
using Lodge.Core.Libvirt;
using Lodge.Core.Tests.Planning;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>Every exported domain XML passes libvirt's own schema check (virt-xml-validate, from libvirt-clients).</summary>
public sealed class DomainXmlValidationSpecs
{
    public static TheoryData<string> Cases() => [.. PlanCases.Names];

    [Theory(Timeout = 30000)]
    [MemberData(nameof(Cases))]
    public async Task Every_exported_domain_XML_passes_virt_xml_validate(string name)
    {
        // Arrange
        var (plan, _) = PlanCases.Load(name);
        var file = Path.Combine(Directory.CreateTempSubdirectory("lx-").FullName, name + ".xml");
        await File.WriteAllTextAsync(file, DomainXmlWriter.Write(plan));

        // Act
        var start = new ProcessStartInfo("virt-xml-validate") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(file);
        start.ArgumentList.Add("domain");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("virt-xml-validate is not installed.\nInstall it with 'apt-get install libvirt-clients libxml2-utils'; ./run-tests does as root.");
            return;
        }

        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var exitCode = process.ExitCode;
        process.Dispose();
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);

        // Assert
        Assert.True(exitCode == 0, $"virt-xml-validate rejected {name}.xml:\n{stdout}{stderr}");
    }
}
