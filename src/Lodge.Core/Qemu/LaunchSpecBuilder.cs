using Lodge.Core.Hardware;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;

namespace Lodge.Core.Qemu;

/// <summary>Makes the <see cref="LaunchSpec"/> the runtime executes: the argv, the helpers (swtpm, virtiofsd, smbd), the files to prepare, where to connect.</summary>
/// <remarks>
/// virtiofsd's syntax follows the host's flavour: the Rust one takes <c>--socket-path S --shared-dir D --sandbox
/// namespace</c>, the C one shipped with QEMU up to 7.2 takes <c>--socket-path=S -o source=D -o sandbox=namespace</c>.
/// smbd gets a private smb.conf in the run folder that listens only where the guest reaches the host: loopback on
/// user networking (the guest sees it at 10.0.2.2), else the bridge or tap interface. swtpm does not create its
/// state folder (<see cref="Planning.MachinePlan.TpmStateDir"/>, below the state folder): its helper spec carries a
/// note file in that folder, and the runtime creates the folder when it writes the helper's files.
/// </remarks>
public static partial class LaunchSpecBuilder
{
    /// <summary>The launch spec for <paramref name="plan"/>.</summary>
    public static LaunchSpec Build(MachinePlan plan, QemuArgvOptions? options = null)
    {
        var argv = QemuArgvBuilder.Build(plan, options);
        var helpers = new List<HelperSpec>();
        var hints = new List<string>();
        if (plan.TpmStateDir is { } tpm)
        {
            helpers.Add(Swtpm(plan, tpm));
        }

        foreach (var share in plan.Shares.Where(s => s.Protocol == "virtiofs"))
        {
            helpers.Add(Virtiofsd(plan, share));
        }

        if (plan.Shares.Any(s => s.Protocol == "smb"))
        {
            var (smbd, smbHints) = Smbd(plan);
            helpers.Add(smbd);
            hints.AddRange(smbHints);
        }

        hints.AddRange(DisplayHints(plan));
        hints.Add($"Serial console: socat -,rawer UNIX-CONNECT:{QemuArgvBuilder.SerialSocketOf(plan)}");
        hints.Add($"QMP: socat - UNIX-CONNECT:{QemuArgvBuilder.QmpSocketOf(plan)}");
        var disks = plan.Disks.Where(d => !d.IsCdrom).ToList();
        var nvram = plan.Firmware is { NvramTemplate: { } template, Nvram: { } target } ? new NvramCopy(template, target) : null;
        var pinning = plan.Cpu.VcpuPins.Count > 0 ? new CpuPinning(plan.Cpu.VcpuPins, plan.Cpu.EmulatorCpus, plan.Cpu.HousekeepingCpus.Count > 0 ? plan.Cpu.HousekeepingCpus : null) : null;
        return new LaunchSpec(
            plan.Machine.Name,
            plan.Layout,
            argv,
            helpers,
            QemuArgvBuilder.QmpSocketOf(plan),
            QemuArgvBuilder.SerialSocketOf(plan),
            [.. disks.Select(d => d.Path)],
            [.. disks.Where(d => d.CreateBytes is not null).Select(d => new DiskCreation(d.Path, d.Format, d.CreateBytes!.Value))],
            nvram,
            hints,
            pinning,
            plan.Gpu.Mdev,
            plan.Memory.Allocate)
        {
            Shares = [.. plan.Shares.Select(s => new SharedFolder(s.Tag, s.Host, Machines.TomlWords.ParseShareProtocol(s.Protocol)))],
            UsbControllers = [.. plan.UsbControllers.Select(a => a.ToString())],
            HostKeyboardGiven = Machines.PassedController.HostKeyboardGiven(plan.Machine),
        };
    }

    private static HelperSpec Swtpm(MachinePlan plan, string stateDir)
    {
        var socket = QemuArgvBuilder.TpmSocketOf(plan);
        string[] argv = [plan.SwtpmBinary, "socket", "--tpm2", "--tpmstate", $"dir={stateDir},mode=0600", "--ctrl", $"type=unixio,path={socket}", "--terminate"];
        // swtpm does not create its state folder; a note file in it makes the runtime create the folder with the
        // helper's files (swtpm keeps its own tpm2-00.permall beside it).
        var files = new Dictionary<string, string> { [$"{stateDir}/README.lodge"] = $"TPM state of the guest '{plan.Machine.Name}', kept by swtpm. Deleting this folder resets the guest's TPM (BitLocker keys in it are lost).\n" };
        return new HelperSpec("swtpm", argv, socket, files);
    }

    private static HelperSpec Virtiofsd(MachinePlan plan, SharePlan share)
    {
        var binary = plan.Virtiofsd?.Path ?? "/usr/libexec/virtiofsd";
        string[] argv = plan.Virtiofsd?.Flavor == ToolFlavor.C
            ? [binary, $"--socket-path={share.Socket}", "-o", $"source={share.Host}", "-o", "sandbox=namespace"]
            : [binary, "--socket-path", share.Socket!, "--shared-dir", share.Host, "--sandbox", "namespace"];
        return new HelperSpec($"virtiofsd-{share.Tag}", argv, share.Socket, new Dictionary<string, string>());
    }

    private static IEnumerable<string> DisplayHints(MachinePlan plan)
    {
        var display = plan.Display;
        if (display.Type is "spice" or "looking-glass")
        {
            yield return $"SPICE: remote-viewer spice+unix://{display.Socket}";
        }

        if (display.Type == "vnc")
        {
            yield return $"VNC: vncviewer {display.Socket}";
        }

        if (display.LookingGlassPath is { } path)
        {
            // The client reaches SPICE (keyboard, mouse, clipboard) over the unix socket when the port is 0.
            yield return $"Looking Glass: looking-glass-client app:shmFile={path} spice:host={display.Socket} spice:port=0";
        }

        if (plan.Gpu.IsPassthrough)
        {
            yield return $"Monitor: the guest shows on the outputs of {plan.Gpu.Functions[0]}.";
        }
    }
}
