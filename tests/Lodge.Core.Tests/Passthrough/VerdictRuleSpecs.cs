using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Tests.Passthrough;

/// <summary>Property tests of the verdict rule over generated IOMMU group layouts.</summary>
public sealed class VerdictRuleSpecs
{
    private static readonly int[] Classes = [0x030000, 0x040300, 0x0c0330, 0x020000, 0x060400, 0x060000, 0x010802, 0x0c0500, 0x060100];

    public sealed record Member(PciAddress Address, PciClass Class);

    public sealed record Layout(PciAddress Device, IReadOnlyList<Member> Others);

    public static class Generators
    {
        public static Arbitrary<Layout> Layouts()
        {
            var address = from bus in Gen.Choose(0, 3)
                          from dev in Gen.Choose(0, 2)
                          from fn in Gen.Choose(0, 7)
                          select new PciAddress(0, bus, dev, fn);
            var member = from a in address
                         from c in Gen.Elements(Classes)
                         select new Member(a, new PciClass(c));
            var layout = from device in address
                         from n in Gen.Choose(0, 8)
                         from others in Gen.ListOf(member, n)
                         select new Layout(device, others.Where(m => m.Address != device).DistinctBy(m => m.Address).ToList());
            return layout.ToArbitrary();
        }
    }

    private static GroupMembership Classify(Layout layout)
    {
        var classes = layout.Others.ToDictionary(m => m.Address, m => m.Class);
        return IommuAnalyzer.Classify(layout.Device, layout.Others.Select(m => m.Address).Append(layout.Device), a => classes.TryGetValue(a, out var c) ? c : null);
    }

    [Property(Arbitrary = [typeof(Generators)])]
    public bool Every_other_member_is_a_companion_a_blocker_or_an_ignored_bridge(Layout layout)
    {
        var m = Classify(layout);
        var bridges = layout.Others.Where(o => !o.Address.IsSameSlot(layout.Device) && (o.Class.IsPciBridge || o.Class.IsHostBridge)).Count();
        return m.Companions.Count + m.Blockers.Count + bridges == layout.Others.Count
            && m.Companions.Intersect(m.Blockers).Count() == 0;
    }

    [Property(Arbitrary = [typeof(Generators)])]
    public bool Companions_are_exactly_the_same_slot_members_the_host_does_not_need(Layout layout)
    {
        var m = Classify(layout);
        var expected = layout.Others.Where(o => o.Address.IsSameSlot(layout.Device) && !IommuAnalyzer.IsHostCritical(o.Class)).Select(o => o.Address).Order().ToList();
        return m.Companions.SequenceEqual(expected);
    }

    [Property(Arbitrary = [typeof(Generators)])]
    public bool A_function_the_host_needs_is_a_blocker_wherever_it_sits(Layout layout)
    {
        var m = Classify(layout);
        return layout.Others.Where(o => IommuAnalyzer.IsHostCritical(o.Class) && o.Address != layout.Device).All(o => m.Blockers.Contains(o.Address));
    }

    [Property(Arbitrary = [typeof(Generators)])]
    public bool The_verdict_follows_from_the_companions_and_blockers(Layout layout)
    {
        var m = Classify(layout);
        var expected = m.Blockers.Count > 0 ? Verdict.Shared : m.Companions.Count > 0 ? Verdict.WithCompanions : Verdict.Isolated;
        return m.Verdict == expected;
    }

    [Property(Arbitrary = [typeof(Generators)])]
    public bool Adding_a_bridge_from_another_slot_never_changes_the_verdict(Layout layout, bool hostBridge)
    {
        var before = Classify(layout);
        var bridge = new Member(new PciAddress(0, 0x7f, 0x1f, 0), new PciClass(hostBridge ? 0x060000 : 0x060400));
        var after = Classify(layout with { Others = [.. layout.Others, bridge] });
        return before.Verdict == after.Verdict && before.Blockers.SequenceEqual(after.Blockers);
    }

    [Fact]
    public void A_host_without_iommu_groups_gives_no_iommu_for_every_candidate()
    {
        // Arrange
        var gpu = new PciDevice { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030000) };
        var host = new HostSnapshot { PciDevices = [gpu], IommuGroups = [], IommuEnabled = false };

        // Act
        var a = PassthroughAdvisor.Assess(host, gpu);

        // Assert
        Assert.Equal(Verdict.NoIommu, a.Verdict);
    }

    [Fact]
    public void A_gpu_sharing_its_group_with_a_usb_controller_is_shared_and_names_the_blocker_with_its_driver()
    {
        // Arrange
        var gpu = new PciDevice { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030000), IommuGroup = 2 };
        var audio = new PciDevice { Address = PciAddress.Parse("0000:01:00.1"), Class = new PciClass(0x040300), IommuGroup = 2 };
        var usb = new PciDevice { Address = PciAddress.Parse("0000:02:00.0"), Class = new PciClass(0x0c0330), IommuGroup = 2, Driver = "xhci_hcd" };
        var bridge = new PciDevice { Address = PciAddress.Parse("0000:00:01.0"), Class = new PciClass(0x060400), IommuGroup = 2, Driver = "pcieport" };
        var host = new HostSnapshot
        {
            PciDevices = [gpu, audio, usb, bridge],
            IommuGroups = [new IommuGroup(2, [bridge.Address, gpu.Address, audio.Address, usb.Address], "DMA")],
            IommuEnabled = true,
        };

        // Act
        var a = PassthroughAdvisor.Assess(host, gpu);

        // Assert
        Assert.Equal(Verdict.Shared, a.Verdict);
        Assert.Equal([audio.Address], a.Companions);
        Assert.Equal([usb.Address], a.Blockers);
        var finding = Assert.Single(a.Findings, f => f.Code == "shared-group");
        Assert.Contains("'0000:02:00.0' (USB controller, driver xhci_hcd)", finding.Message);
        Assert.Contains("pcie_acs_override", finding.Fix);
        Assert.Contains("does not recommend", finding.Fix);
    }
}
