using System.Globalization;
using System.Xml.Linq;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;

namespace Lodge.Core.Libvirt;

/// <summary>Writes a plan as libvirt domain XML for virt-manager and multi-host users: managed hostdevs, cputune,
/// memoryBacking, TPM, firmware, evdev input, audio and virtiofs filesystems.</summary>
/// <remarks>
/// Written for libvirt 9.0 (Debian 12), checked with virt-xml-validate, virsh define and, against <c>lodge args</c>,
/// virsh domxml-to-native. Every PCI device sits at its fixed <see cref="GuestPciSlots"/> address. Where that libvirt
/// has no element for a choice, the XML takes the nearest one and says so in a comment and in
/// <see cref="Compromises"/> (libvirt drops comments on define): PipeWire audio is written as <c>pulseaudio</c>, an NVMe
/// disk as SATA, a USB device by host port goes into <c>qemu:commandline</c>, and SMB shares (a Lodge helper) are not
/// expressible. macOS's isa-applesmc and CPU, and <c>qemu_args</c> (devices in QEMU's JSON form), go into
/// <c>qemu:commandline</c>; x-vga into <c>qemu:override</c>.
/// </remarks>
public static partial class DomainXmlWriter
{
    private static readonly XNamespace QemuNs = "http://libvirt.org/schemas/domain/qemu/1.0";

    /// <summary>The domain XML of <paramref name="plan"/>, with an XML declaration-free root and a trailing newline.</summary>
    public static string Write(MachinePlan plan)
    {
        var machine = plan.Machine;
        var domain = new XElement("domain", new XAttribute("type", "kvm"), new XAttribute(XNamespace.Xmlns + "qemu", QemuNs.NamespaceName),
            new XElement("name", machine.Name),
            plan.Uuid is { } uuid ? new XElement("uuid", uuid) : null,
            new XElement("memory", new XAttribute("unit", "MiB"), plan.Memory.SizeMiB),
            MemoryBacking(plan),
            new XElement("vcpu", new XAttribute("placement", "static"), plan.Cpu.Vcpus),
            new XElement("iothreads", 1),
            CpuTune(plan),
            NumaTune(plan),
            Os(plan),
            Features(plan),
            Cpu(plan),
            Clock(plan),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "restart"),
            new XElement("on_crash", "destroy"),
            Devices(plan),
            QemuCommandLine(plan),
            QemuOverride(plan));
        return domain.ToString() + "\n";
    }

    private static XElement? MemoryBacking(MachinePlan plan)
    {
        var memory = plan.Memory;
        if (!memory.NeedsBackend)
        {
            return null;
        }

        return new XElement("memoryBacking",
            memory.HugePageKiB is { } kib ? new XElement("hugepages", new XElement("page", new XAttribute("size", kib), new XAttribute("unit", "KiB"))) : null,
            // The argv always backs RAM with memfd: without this libvirt looks for a hugetlbfs mount of the page size.
            new XElement("source", new XAttribute("type", "memfd")),
            memory.Shared ? new XElement("access", new XAttribute("mode", "shared")) : null);
    }

    private static XElement? CpuTune(MachinePlan plan)
    {
        var cpu = plan.Cpu;
        if (cpu.VcpuPins.Count == 0)
        {
            return null;
        }

        var tune = new XElement("cputune");
        for (var i = 0; i < cpu.VcpuPins.Count; i++)
        {
            tune.Add(new XElement("vcpupin", new XAttribute("vcpu", i), new XAttribute("cpuset", cpu.VcpuPins[i])));
        }

        if (cpu.EmulatorCpus.Count > 0)
        {
            var rest = MachinePlanner.Format(cpu.EmulatorCpus);
            tune.Add(new XElement("emulatorpin", new XAttribute("cpuset", rest)));
            tune.Add(new XElement("iothreadpin", new XAttribute("iothread", 1), new XAttribute("cpuset", rest)));
        }

        return tune;
    }

    // RAM bound to the vCPUs' host node, or each guest cell to its own host node.
    private static XElement? NumaTune(MachinePlan plan)
    {
        var cpu = plan.Cpu;
        if (cpu.GuestNodes.Count > 0)
        {
            return new XElement("numatune",
                new XElement("memory", new XAttribute("mode", "strict"), new XAttribute("nodeset", MachinePlanner.Format(cpu.GuestNodes.Select(n => n.HostNode)))),
                cpu.GuestNodes.Select(n => new XElement("memnode", new XAttribute("cellid", n.Id), new XAttribute("mode", "strict"), new XAttribute("nodeset", n.HostNode))));
        }

        return cpu.HostNode is { } node
            ? new XElement("numatune", new XElement("memory", new XAttribute("mode", "strict"), new XAttribute("nodeset", node)))
            : null;
    }

    private static XElement Os(MachinePlan plan)
    {
        // Explicit loader and NVRAM paths, not firmware='efi' autoselection: Lodge already chose the image from the same
        // descriptors libvirt reads, and libvirt 9.0 refuses paths together with autoselection ("loader attribute
        // 'readonly' cannot be specified when firmware autoselection is enabled"), as virsh define showed.
        var firmware = plan.Firmware;
        var os = new XElement("os", new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", plan.MachineType), "hvm"));
        if (firmware.Uefi)
        {
            os.Add(new XElement("loader", new XAttribute("readonly", "yes"), new XAttribute("secure", firmware.SecureBoot ? "yes" : "no"), new XAttribute("type", "pflash"), firmware.Code));
            os.Add(new XElement("nvram", new XAttribute("template", firmware.NvramTemplate!), firmware.Nvram));
        }

        return os;
    }

    private static XElement Features(MachinePlan plan)
    {
        var features = new XElement("features", new XElement("acpi"), new XElement("apic"));
        var windows = plan.Machine.Os is GuestOs.Windows10 or GuestOs.Windows11;
        if (windows)
        {
            var hyperv = new XElement("hyperv", new XAttribute("mode", "custom"));
            foreach (var name in new[] { "relaxed", "vapic" })
            {
                hyperv.Add(On(name));
            }

            hyperv.Add(new XElement("spinlocks", new XAttribute("state", "on"), new XAttribute("retries", 8191)));
            foreach (var name in new[] { "vpindex", "runtime", "synic" })
            {
                hyperv.Add(On(name));
            }

            hyperv.Add(new XElement("stimer", new XAttribute("state", "on"), plan.Cpu.HyperVExtra.Contains("hv-stimer-direct") ? On("direct") : null));
            foreach (var name in new[] { "reset", "frequencies" })
            {
                hyperv.Add(On(name));
            }

            foreach (var name in plan.Cpu.HyperVExtra.Where(f => f != "hv-stimer-direct"))
            {
                hyperv.Add(On(name["hv-".Length..]));
            }

            if (plan.Gpu.IsNvidia)
            {
                hyperv.Add(new XElement("vendor_id", new XAttribute("state", "on"), new XAttribute("value", QemuArgvBuilder.HvVendorId)));
            }

            features.Add(hyperv);
            if (plan.Gpu.IsNvidia)
            {
                features.Add(new XElement("kvm", new XElement("hidden", new XAttribute("state", "on"))));
            }
        }

        if (plan.Machine.Os == GuestOs.MacOs)
        {
            features.Add(new XElement("vmport", new XAttribute("state", "off")));
        }

        if (plan.Firmware.Smm)
        {
            features.Add(new XElement("smm", new XAttribute("state", "on")));
        }

        features.Add(new XElement("ioapic", new XAttribute("driver", "kvm")));
        return features;
    }

    private static XElement On(string name) => new(name, new XAttribute("state", "on"));

    private static XElement Cpu(MachinePlan plan)
    {
        var cpu = plan.Cpu;
        var topology = new XElement("topology", new XAttribute("sockets", 1), new XAttribute("dies", 1), new XAttribute("cores", cpu.Cores), new XAttribute("threads", cpu.Threads));
        if (plan.Machine.Os == GuestOs.MacOs && cpu.HostIsAmd)
        {
            return new XElement("cpu", new XAttribute("mode", "custom"), new XAttribute("match", "exact"), new XAttribute("check", "none"),
                new XElement("model", new XAttribute("fallback", "forbid"), "Penryn"),
                topology,
                new[] { "invtsc", "ssse3", "sse4.2", "popcnt", "avx", "aes", "xsave", "xsaveopt" }.Select(f => new XElement("feature", new XAttribute("policy", "require"), new XAttribute("name", f))));
        }

        return new XElement("cpu", new XAttribute("mode", "host-passthrough"), new XAttribute("check", "none"), new XAttribute("migratable", "off"),
            topology,
            cpu.HostCacheInfo ? new XElement("cache", new XAttribute("mode", "passthrough")) : null,
            cpu.Topoext ? new XElement("feature", new XAttribute("policy", "require"), new XAttribute("name", "topoext")) : null,
            plan.Machine.Os == GuestOs.MacOs ? new XElement("feature", new XAttribute("policy", "require"), new XAttribute("name", "invtsc")) : null,
            cpu.GuestNodes.Count > 0
                ? new XElement("numa", cpu.GuestNodes.Select(n => new XElement("cell", new XAttribute("id", n.Id), new XAttribute("cpus", n.VcpuRange), new XAttribute("memory", n.MemoryMiB), new XAttribute("unit", "MiB"))))
                : null);
    }

    private static XElement Clock(MachinePlan plan)
    {
        var windows = plan.Machine.Os is GuestOs.Windows10 or GuestOs.Windows11;
        if (!windows)
        {
            return new XElement("clock", new XAttribute("offset", "utc"));
        }

        // As the argv: the RTC catches up (driftfix=slew), the PIT delays lost ticks, no HPET; plus the Hyper-V clock.
        return new XElement("clock", new XAttribute("offset", "localtime"),
            new XElement("timer", new XAttribute("name", "rtc"), new XAttribute("tickpolicy", "catchup")),
            new XElement("timer", new XAttribute("name", "pit"), new XAttribute("tickpolicy", "delay")),
            new XElement("timer", new XAttribute("name", "hpet"), new XAttribute("present", "no")),
            new XElement("timer", new XAttribute("name", "hypervclock"), new XAttribute("present", "yes")));
    }

    private static XElement? QemuCommandLine(MachinePlan plan)
    {
        var args = new List<string>();
        if (plan.Machine.Os == GuestOs.MacOs)
        {
            args.AddRange(["-device", QemuJson.Device($"isa-applesmc,osk={plan.Machine.MacOs.Osk ?? QemuArgvBuilder.OskPlaceholder}"), "-smbios", "type=2"]);

            // libvirt has no element for vmware-cpuid-freq or for the Penryn feature set, so on Intel and AMD hosts
            // alike the argv's -cpu comes last and wins over the one libvirt writes.
            args.AddRange(["-cpu", QemuArgvBuilder.CpuModelOf(plan, "kvm")]);
        }

        foreach (var (usb, i) in plan.Usb.Select((u, i) => (u, i)).Where(p => p.u.VendorId is null))
        {
            args.AddRange(["-device", $"{{\"driver\":\"usb-host\",\"id\":\"ua-usb{i}\",\"bus\":\"usb.0\",\"hostbus\":{usb.HostBus},\"hostport\":\"{usb.HostPort}\"}}"]);
        }

        args.AddRange(QemuJson.CommandLine(plan.Machine));
        return args.Count == 0 ? null : new XElement(QemuNs + "commandline", args.Select(a => new XElement(QemuNs + "arg", new XAttribute("value", a))));
    }

    private static XElement? QemuOverride(MachinePlan plan)
    {
        // x-vga=on (legacy VGA for SeaBIOS) has no libvirt element; <qemu:override> sets it on the hostdev's alias.
        if (!plan.Gpu.IsPassthrough || plan.Firmware.Uefi)
        {
            return null;
        }

        return new XElement(QemuNs + "override", new XElement(QemuNs + "device", new XAttribute("alias", GpuAlias),
            new XElement(QemuNs + "frontend", new XElement(QemuNs + "property", new XAttribute("name", "x-vga"), new XAttribute("type", "bool"), new XAttribute("value", "true")))));
    }

    private static string Hex(int value, int digits) => "0x" + value.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
