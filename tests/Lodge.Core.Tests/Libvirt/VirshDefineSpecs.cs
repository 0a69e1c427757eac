using System.Diagnostics;
using Lodge.Core.Libvirt;
using Lodge.Core.Tests.Planning;
using Lodge.Core.Tests.Qemu;
using Xunit.Abstractions;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>Every case's domain XML passes <c>virsh define</c> on a session libvirtd that the test starts (as nobody when run as root).</summary>
/// <remarks>Left out, and named: <c>type="kvm"</c> becomes <c>qemu</c> where there is no KVM, and virtiofs filesystems,
/// which a session libvirtd refuses ("virtiofs is not yet supported in session mode").</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VirshDefineSpecs(ITestOutputHelper output)
{
    private const string Nobody = "65534";

    [Fact(Timeout = Lodge.Testing.Patience.TestMilliseconds)]
    public async Task Every_exported_domain_XML_passes_virsh_define_on_a_libvirtd_the_test_starts()
    {
        // Arrange
        Assert.True(File.Exists("/usr/sbin/libvirtd"), "libvirtd is not installed.\nInstall it with 'apt-get install libvirt-daemon libvirt-daemon-driver-qemu'; ./run-tests does as root.");
        var scratch = Directory.CreateTempSubdirectory("lv-").FullName;
        var run = Directory.CreateDirectory(Path.Combine(scratch, "run")).FullName;
        Directory.CreateDirectory(Path.Combine(scratch, "home"));
        var root = Environment.IsPrivilegedProcess;
        if (root)
        {
            await Run(["chown", "-R", $"{Nobody}:{Nobody}", scratch]);
        }

        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string[] As(params string[] argv) =>
            [.. root ? (string[])["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"] : [],
             "env", "-i", "PATH=/usr/sbin:/usr/bin:/bin", $"XDG_RUNTIME_DIR={run}", $"HOME={scratch}/home", .. argv];
        var cases = PlanCases.Names.ToList();
        try
        {
            await using var libvirtd = RealQemu.Start(As("libvirtd", "--timeout=60"));
            await libvirtd.WaitForSocketAsync(Path.Combine(run, "libvirt", "libvirt-sock"), TimeSpan.FromSeconds(30));
            foreach (var name in cases)
            {
                var xml = DomainXmlWriter.Write(PlanCases.Load(name).Plan).Replace("<domain type=\"kvm\"", "<domain type=\"qemu\"", StringComparison.Ordinal);
                output.WriteLine($"{name}: left out: domain type kvm (no KVM here, so qemu)");
                if (xml.Contains("<driver type=\"virtiofs\" />", StringComparison.Ordinal))
                {
                    xml = System.Text.RegularExpressions.Regex.Replace(xml, "<filesystem[^>]*>\\s*<driver type=\"virtiofs\" />.*?</filesystem>", "", System.Text.RegularExpressions.RegexOptions.Singleline);
                    output.WriteLine($"{name}: left out: virtiofs filesystems (a session libvirtd refuses them)");
                }

                var file = Path.Combine(scratch, name + ".xml");
                await File.WriteAllTextAsync(file, xml);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

                // Act
                var (code, text) = await Run(As("virsh", "-c", "qemu:///session", "define", file));
                await Run(As("virsh", "-c", "qemu:///session", "undefine", "--nvram", name));

                // Assert
                Assert.True(code == 0, $"virsh define rejected {name}:\n{text}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<(int Code, string Text)> Run(string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + stderr);
    }
}
