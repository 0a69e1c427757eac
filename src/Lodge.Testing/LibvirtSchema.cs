using System.Diagnostics;

namespace Lodge.Testing;

/// <summary>Checks domain XML against libvirt's own schema with <c>virt-xml-validate</c> (libvirt-clients).</summary>
public static class LibvirtSchema
{
    /// <summary>Null when <paramref name="xml"/> is a valid domain, else what virt-xml-validate said.</summary>
    public static async Task<string?> ValidateDomainAsync(string xml)
    {
        var dir = Directory.CreateTempSubdirectory("lodge-xml-").FullName;
        try
        {
            var file = Path.Combine(dir, "domain.xml");
            await File.WriteAllTextAsync(file, xml);
            var start = new ProcessStartInfo("virt-xml-validate") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(file);
            start.ArgumentList.Add("domain");
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "virt-xml-validate is not installed.\nInstall it with 'apt-get install libvirt-clients libxml2-utils'; ./run-tests does as root.";
            }

            using (process)
            {
                var stdout = await process.StandardOutput.ReadToEndAsync();
                var stderr = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                return process.ExitCode == 0 ? null : stdout + stderr;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
