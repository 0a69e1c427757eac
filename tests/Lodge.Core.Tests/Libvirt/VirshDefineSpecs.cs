using Lodge.Core.Libvirt;
using Lodge.Core.Tests.Planning;
using Xunit.Abstractions;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>Every case's domain XML passes <c>virsh define</c> on a session libvirtd that the test starts (as nobody when run as root).</summary>
/// <remarks>Left out, and named: <c>type="kvm"</c> becomes <c>qemu</c> where there is no KVM, and virtiofs filesystems,
/// which a session libvirtd refuses ("virtiofs is not yet supported in session mode").</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VirshDefineSpecs(ITestOutputHelper output)
{
    [Fact(Timeout = Lodge.Testing.Patience.TestMilliseconds)]
    public async Task Every_exported_domain_XML_passes_virsh_define_on_a_libvirtd_the_test_starts()
    {
        // Arrange
        var cases = PlanCases.Names.ToList();
        await using var libvirtd = await SessionLibvirtd.StartAsync("lv-", idleSeconds: 60);
        foreach (var name in cases)
        {
            var xml = DomainXmlWriter.Write(PlanCases.Load(name).Plan).Replace("<domain type=\"kvm\"", "<domain type=\"qemu\"", StringComparison.Ordinal);
            output.WriteLine($"{name}: left out: domain type kvm (no KVM here, so qemu)");
            if (xml.Contains("<driver type=\"virtiofs\" />", StringComparison.Ordinal))
            {
                xml = System.Text.RegularExpressions.Regex.Replace(xml, "<filesystem[^>]*>\\s*<driver type=\"virtiofs\" />.*?</filesystem>", "", System.Text.RegularExpressions.RegexOptions.Singleline);
                output.WriteLine($"{name}: left out: virtiofs filesystems (a session libvirtd refuses them)");
            }

            var file = Path.Combine(libvirtd.Scratch, name + ".xml");
            await File.WriteAllTextAsync(file, xml);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            // Act
            var (code, text) = await libvirtd.VirshAsync("define", file);
            await libvirtd.VirshAsync("undefine", "--nvram", name);

            // Assert
            Assert.True(code == 0, $"virsh define rejected {name}:\n{text}");
        }
    }
}
