using System.Text.RegularExpressions;
using Lodge.Core.Libvirt;
using Lodge.Core.Qemu;
using Lodge.Core.Tests.Planning;
using Lodge.Testing;
using Xunit.Abstractions;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>The standing parity check: for every plan golden, libvirt's own argv for Lodge's XML (<c>virsh
/// domxml-to-native qemu-argv</c> on a session libvirtd the test starts) says what <c>lodge args</c> says, option by
/// option, except for the reviewed differences in <c>parity-allow-list.txt</c>, each with its reason.</summary>
/// <remarks>
/// Before the conversion, and named in the output: the domain type becomes <c>qemu</c> and host-passthrough
/// <c>maximum</c> (no KVM here, and libvirt refuses host-passthrough without it), each PCI hostdev gets
/// <c>&lt;driver name='vfio'/&gt;</c>, and interfaces, virtiofs filesystems and USB hostdevs are removed (an
/// unprivileged session libvirtd cannot open /dev/net/tun, refuses virtiofs, and looks USB devices up on this host,
/// where they are not plugged in); the allow-list carries the differences this leaves. The
/// test fails on any difference the list does not cover, and on any entry of the list that no case needs any more.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ArgvParitySpecs(ITestOutputHelper output)
{
    private static readonly string AllowListFile = Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Libvirt", "parity-allow-list.txt");

    [Fact(Timeout = 300000)]
    public async Task Libvirt_turns_every_golden_XML_into_the_argv_lodge_args_prints_but_for_the_reviewed_differences()
    {
        // Arrange
        var allow = ReadAllowList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unlisted = new List<string>();
        await using (var libvirtd = await SessionLibvirtd.StartAsync("lp-", idleSeconds: 120))
        {
            var scratch = libvirtd.Scratch;
            var (_, version) = await libvirtd.VirshAsync("version");
            output.WriteLine(version.Trim());
            foreach (var name in PlanCases.Names)
            {
                var plan = PlanCases.Load(name).Plan;
                var file = Path.Combine(scratch, name + ".xml");
                await File.WriteAllTextAsync(file, ForConversion(DomainXmlWriter.Write(plan)));
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

                // Act
                var (code, text) = await libvirtd.VirshAsync("domxml-to-native", "qemu-argv", file);
                Assert.True(code == 0, $"virsh domxml-to-native refused {name}:\n{text}");
                var words = ArgvNormalizer.SplitShell(text.Split('\n')[0]);
                var libvirtArgv = words.SkipWhile(w => !w.EndsWith("qemu-system-x86_64", StringComparison.Ordinal)).ToList();
                var lodgeArgv = QemuArgvBuilder.Build(plan);
                (string, string)[] replace = [(plan.Layout.RunDir, "RUN"), (plan.Layout.StateDir, "STATE"), (scratch, "SCRATCH"), (name, "NAME")];
                var libvirtFacts = ArgvNormalizer.Facts([.. libvirtArgv.Select(w => DomainDir().Replace(w, "domain"))], replace);
                var lodgeFacts = ArgvNormalizer.Facts(lodgeArgv, replace);

                // Assert (below, over all cases)
                var differences = lodgeFacts.Except(libvirtFacts).Select(f => "lodge only: " + f)
                    .Concat(libvirtFacts.Except(lodgeFacts).Select(f => "libvirt only: " + f));
                foreach (var difference in differences)
                {
                    var entry = allow.FirstOrDefault(a => a.Pattern.IsMatch(difference));
                    if (entry is null)
                    {
                        unlisted.Add($"{name}: {difference}");
                    }
                    else
                    {
                        used.Add(entry.Text);
                    }
                }
            }
        }

        var stale = allow.Where(a => !used.Contains(a.Text)).Select(a => a.Text).ToList();
        Assert.True(unlisted.Count == 0, $"{unlisted.Count} difference(s) between lodge args and libvirt's argv are not in {AllowListFile}:\n{string.Join("\n", unlisted)}");
        Assert.True(stale.Count == 0, $"{stale.Count} allow-list entr(ies) no longer occur in any case; remove them from {AllowListFile}:\n{string.Join("\n", stale)}");
    }

    [Fact]
    public void Every_allow_list_entry_says_why()
    {
        // Arrange
        var entries = ReadAllowList();

        // Act
        var unexplained = entries.Where(e => e.Reason.Length < 20).Select(e => e.Text).ToList();

        // Assert
        Assert.NotEmpty(entries);
        Assert.Empty(unexplained);
    }

    private static string ForConversion(string xml)
    {
        xml = xml.Replace("<domain type=\"kvm\"", "<domain type=\"qemu\"", StringComparison.Ordinal)
            .Replace("mode=\"host-passthrough\"", "mode=\"maximum\"", StringComparison.Ordinal)
            .Replace("<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\">", "<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\"><driver name=\"vfio\" />", StringComparison.Ordinal);
        xml = Regex.Replace(xml, "<interface .*?</interface>", "", RegexOptions.Singleline);
        xml = Regex.Replace(xml, "<hostdev mode=\"subsystem\" type=\"usb\".*?</hostdev>", "", RegexOptions.Singleline);
        return Regex.Replace(xml, "<filesystem[^>]*>\\s*<driver type=\"virtiofs\" />.*?</filesystem>", "", RegexOptions.Singleline);
    }

    private sealed record AllowEntry(string Text, Regex Pattern, string Reason);

    // "PATTERN | REASON" per line; '*' in PATTERN matches anything; '#' starts a comment line.
    private static List<AllowEntry> ReadAllowList() =>
        [.. File.ReadAllLines(AllowListFile)
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => l.Split(" | ", 2))
            .Select(p => new AllowEntry(p[0].Trim(), new Regex("^" + Regex.Escape(p[0].Trim()).Replace("\\*", ".*", StringComparison.Ordinal) + "$"), p.Length > 1 ? p[1].Trim() : ""))];

    [GeneratedRegex("domain-[-0-9]+-[^/]*")]
    private static partial Regex DomainDir();

}
