using Lodge.Core.Libvirt;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

/// <summary>Each plan case yields a golden <c>.plan</c> (decisions and reasons), <c>.args</c> (QEMU argv), <c>.xml</c> (libvirt) and <c>.launch</c> (helpers, files, disks, pinning).</summary>
public sealed class PlanGoldenSpecs
{
    public static TheoryData<string> Cases() => [.. PlanCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void I_can_plan_a_valid_machine_into_decisions_an_argv_domain_xml_and_a_launch_spec(string name)
    {
        // Arrange
        var (plan, problems) = PlanCases.Load(name);

        // Act
        var text = PlanText.Format(plan);
        var args = QemuCommandLine.Format(QemuArgvBuilder.Build(plan));
        var xml = DomainXmlWriter.Write(plan);
        var launch = LaunchSpecText.Format(LaunchSpecBuilder.Build(plan));

        // Assert
        Assert.Empty(problems.Where(p => p.Severity == Severity.Error).Select(p => p.Format()));
        Golden.Match(Path.Combine(PlanCases.Dir, name + ".plan"), text);
        Golden.Match(Path.Combine(PlanCases.Dir, name + ".args"), args);
        Golden.Match(Path.Combine(PlanCases.Dir, name + ".xml"), xml);
        Golden.Match(Path.Combine(PlanCases.Dir, name + ".launch"), launch);
    }
}
