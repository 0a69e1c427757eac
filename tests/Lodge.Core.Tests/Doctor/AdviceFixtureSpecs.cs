using System.Text.Json;
using Lodge.Core.Doctor;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Lodge.Core.Tests.Machines;
using Lodge.Testing;

namespace Lodge.Core.Tests.Doctor;

/// <summary>Walks every fixture, under each boot loader and distribution Lodge knows and with the IOMMU on and off, and checks
/// that no advice names a parameter, module or tool that contradicts the tree's CPU vendor, boot loader or distribution.</summary>
public sealed class AdviceFixtureSpecs
{
    private static readonly (string Name, BootInfo Boot, string[] Forbidden)[] Boots =
    [
        ("grub-debian", new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "debian" }, ["grubby", "grub2-mkconfig", "kernelstub", "/etc/kernel/cmdline", "kernel-install", "proxmox-boot-tool", "dnf ", "pacman ", "zypper "]),
        ("grub-fedora", new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "fedora" }, ["update-grub", "kernelstub", "/etc/kernel/cmdline", "proxmox-boot-tool", "apt-get", "pacman "]),
        ("grub-arch", new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "arch" }, ["update-grub", "grubby", "kernelstub", "proxmox-boot-tool", "apt-get", "dnf "]),
        ("systemd-boot-arch", new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "arch" }, ["update-grub", "grubby", "GRUB_CMDLINE", "kernelstub", "proxmox-boot-tool", "apt-get", "dnf "]),
        ("kernelstub-pop", new BootInfo { Bootloader = Bootloader.Kernelstub, CommandLineFile = "/etc/kernelstub/configuration", OsId = "pop", OsIdLike = ["ubuntu", "debian"] }, ["update-grub", "grubby", "GRUB_CMDLINE", "kernel-install", "proxmox-boot-tool", "dnf ", "pacman "]),
        ("proxmox", new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "debian", ProxmoxBootTool = true }, ["update-grub", "grubby", "kernel-install", "kernelstub", "dnf ", "pacman "]),
    ];

    public static TheoryData<string> Fixtures() => new(RepoPaths.HostFixtures);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void No_advice_on_a_fixture_contradicts_its_cpu_vendor_boot_loader_or_distribution(string fixture)
    {
        // Arrange: the vendor comes from the fixture's own record (or its /proc/cpuinfo), not from Lodge's inference
        var (scanned, _) = FixtureHosts.Load(fixture);
        var vendor = RecordedVendor(fixture, scanned);
        string[] vendorForbidden = vendor switch
        {
            PlatformVendor.Amd => ["Add 'intel_iommu", "--args=\"intel_iommu", "-a \"intel_iommu", "kvm_intel", "VT-d", "VT-x (Intel"],
            PlatformVendor.Intel => ["Add 'amd_iommu", "--args=\"amd_iommu", "-a \"amd_iommu", "kvm_amd", "AMD-Vi", "SVM (AMD-V)"],
            _ => [],
        };
        var problems = new List<string>();

        foreach (var (name, boot, bootForbidden) in Boots)
        {
            foreach (var iommuOn in new[] { true, false })
            {
                var host = scanned with { Boot = boot };
                if (!iommuOn)
                {
                    host = host with { IommuGroups = [], IommuEnabled = false, Kernel = host.Kernel with { CommandLine = host.Kernel.CommandLine ?? "ro quiet" } };
                }

                // Act
                foreach (var sentence in Advice(host))
                {
                    // Assert (collected, so one run names every contradiction)
                    foreach (var word in bootForbidden.Concat(vendorForbidden).Where(w => sentence.Contains(w, StringComparison.Ordinal)))
                    {
                        problems.Add($"{name}, IOMMU {(iommuOn ? "on" : "off")}: '{word}' in: {sentence}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_walk_sees_the_advice_that_names_parameters()
    {
        // The spec above must meet the sentences it guards: on an Intel fixture with the IOMMU off, the fix names intel_iommu=on
        // with the boot loader's own tool.
        var (scanned, _) = FixtureHosts.Load("GH-fractalshine-CFL");
        var host = scanned with { Boot = Boots[0].Boot, IommuGroups = [], IommuEnabled = false, Kernel = scanned.Kernel with { CommandLine = "ro quiet" } };
        Assert.Contains(Advice(host), s => s.Contains("Add 'intel_iommu=on iommu=pt' to GRUB_CMDLINE_LINUX_DEFAULT", StringComparison.Ordinal) && s.Contains("update-grub", StringComparison.Ordinal));
        var (amd, _) = FixtureHosts.Load("GH-64k-B550MMortar");
        var amdHost = amd with { Boot = Boots[5].Boot, IommuGroups = [], IommuEnabled = false, Kernel = amd.Kernel with { CommandLine = "ro quiet" } };
        Assert.Contains(Advice(amdHost), s => s.Contains("Add 'iommu=pt' to /etc/kernel/cmdline, run 'proxmox-boot-tool refresh'", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Advice(HostSnapshot host)
    {
        var assessments = PassthroughAdvisor.Assess(host);
        var report = HostDoctor.Examine(host, assessments);
        foreach (var check in report.Sections.SelectMany(s => s.Checks).SelectMany(c => c.Details.Prepend(c)))
        {
            yield return $"{check.Title}: {check.Detail} {check.Fix}";
        }

        foreach (var f in assessments.SelectMany(a => a.Findings))
        {
            yield return $"{f.Message} {f.Fix}";
        }

        yield return report.Verdict;
    }

    private static PlatformVendor RecordedVendor(string fixture, HostSnapshot host)
    {
        if (host.Cpu.IsAmd)
        {
            return PlatformVendor.Amd;
        }

        if (host.Cpu.IsIntel)
        {
            return PlatformVendor.Intel;
        }

        var record = Path.Combine(RepoPaths.Host(fixture), "FIXTURE.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(record));
        return doc.RootElement.TryGetProperty("iommu_type", out var t) ? t.GetString() switch
        {
            "amd-vi" => PlatformVendor.Amd,
            "intel-vt-d" => PlatformVendor.Intel,
            _ => PlatformVendor.Unknown,
        } : PlatformVendor.Unknown;
    }
}
