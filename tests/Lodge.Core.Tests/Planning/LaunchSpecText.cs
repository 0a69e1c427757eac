using System.Text;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Planning;

/// <summary>A launch spec minus its argv (which has its own golden) as reviewable text: helpers, their files, disks, NVRAM, pinning, hints.</summary>
internal static class LaunchSpecText
{
    public static string Format(LaunchSpec spec)
    {
        var text = new StringBuilder();
        text.Append($"qmp: {spec.QmpSocket}\nserial: {spec.SerialSocket}\n");
        foreach (var helper in spec.Helpers)
        {
            text.Append($"helper {helper.Name}: {string.Join(' ', helper.Argv.Select(QemuCommandLine.Quote))}\n");
            text.Append($"  ready when: {helper.ReadySocket ?? "started"}\n");
            foreach (var (path, content) in helper.Files)
            {
                text.Append($"  file {path}:\n");
                foreach (var line in content.TrimEnd('\n').Split('\n'))
                {
                    text.Append($"    | {line}\n");
                }
            }
        }

        foreach (var disk in spec.Disks)
        {
            text.Append($"disk: {disk}\n");
        }

        foreach (var create in spec.DisksToCreate)
        {
            text.Append($"create: qemu-img create -f {create.Format} {create.Path} {create.SizeBytes}\n");
        }

        if (spec.Nvram is { } nvram)
        {
            text.Append($"nvram: copy {nvram.Template} to {nvram.Target} once\n");
        }

        if (spec.Pinning is { } pin)
        {
            text.Append($"pin vcpus: {string.Join(',', pin.VcpuCpus)}\npin emulator: {string.Join(',', pin.EmulatorCpus)}\n");
            if (spec.HugePages is { } pages)
            {
                text.Append($"allocate hugepages: {pages.Count} × {pages.PageKiB} KiB via {pages.NrHugePagesPath}\n");
            }

            if (pin.HousekeepingCpus is { Count: > 0 } housekeeping)
            {
                text.Append($"isolate host units on: {string.Join(',', housekeeping)}\n");
            }
        }

        foreach (var hint in spec.ConnectHints)
        {
            text.Append($"hint: {hint}\n");
        }

        return text.ToString();
    }
}
