using Lodge.Core.Libvirt;
using Lodge.Core.Tests.Planning;
using Lodge.Testing;

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

        // Act
        var rejection = await LibvirtSchema.ValidateDomainAsync(DomainXmlWriter.Write(plan));

        // Assert
        Assert.True(rejection is null, $"virt-xml-validate rejected {name}.xml:\n{rejection}");
    }
}
