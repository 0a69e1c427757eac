using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Runtime;

namespace Lodge.Core.Planning;

/// <summary>Firmware from the QEMU firmware descriptors, chosen the way libvirt does.</summary>
/// <remarks>
/// Descriptors are tried in file-name order (the scanner sorts them). A candidate is a flash-mapped <c>uefi</c>
/// image for x86_64 q35. <c>uefi-secure</c> wants <c>secure-boot</c>, <c>enrolled-keys</c> and <c>requires-smm</c>;
/// <c>uefi</c> wants no <c>secure-boot</c>. <c>bios</c> uses the SeaBIOS built into QEMU and needs no file. When no
/// descriptor fits (a host tree without /usr), the plan falls back to Debian's OVMF paths and says so.
/// </remarks>
public static partial class MachinePlanner
{
    private static FirmwarePlan PlanFirmware(MachineConfig machine, HostSnapshot host, RuntimeLayout layout, List<PlanDecision> decisions)
    {
        if (machine.Firmware.Type == FirmwareType.Bios)
        {
            decisions.Add(new("firmware", "SeaBIOS (QEMU's built-in BIOS)", "The machine asks for BIOS, which QEMU boots without a firmware file or NVRAM."));
            return new FirmwarePlan(false, false, null, null, null, "raw", null);
        }

        var secure = machine.Firmware.Type == FirmwareType.UefiSecure;
        var nvram = $"{layout.StateDir}/nvram.fd";
        var found = host.Firmware.FirstOrDefault(d => Fits(d, secure));
        if (found is not null)
        {
            var format = found.Format ?? "raw";
            decisions.Add(new("firmware", $"{found.Executable} (from {found.FileName})", secure
                ? $"'{found.FileName}' is the first descriptor with secure-boot, enrolled-keys and requires-smm, so SMM and a secure flash are turned on with it."
                : $"'{found.FileName}' is the first UEFI descriptor without secure-boot."));
            decisions.Add(new("nvram", $"{nvram} from {found.NvramTemplate}", "Each guest gets its own copy of the descriptor's variable-store template, made once."));
            return new FirmwarePlan(true, secure, found.Executable, found.NvramTemplate, nvram, format, found.FileName);
        }

        var code = secure ? "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" : "/usr/share/OVMF/OVMF_CODE_4M.fd";
        var vars = secure ? "/usr/share/OVMF/OVMF_VARS_4M.ms.fd" : "/usr/share/OVMF/OVMF_VARS_4M.fd";
        decisions.Add(new("firmware", code, $"No firmware descriptor on this host fits {(secure ? "uefi-secure" : "uefi")}, so Lodge assumes Debian's OVMF paths; install ovmf (or edk2-ovmf) to get descriptors."));
        decisions.Add(new("nvram", $"{nvram} from {vars}", "Each guest gets its own copy of the variable-store template, made once."));
        return new FirmwarePlan(true, secure, code, vars, nvram, "raw", null);
    }

    private static bool Fits(FirmwareDescriptor d, bool secure)
    {
        if (!d.InterfaceTypes.Contains("uefi") || (d.Device ?? "flash") != "flash" || d.Executable is null || d.NvramTemplate is null)
        {
            return false;
        }

        var q35 = d.Targets.Count == 0 || d.Targets.Any(t => t.Architecture == "x86_64" && t.Machines.Any(m => m.StartsWith("pc-q35", StringComparison.Ordinal)));
        if (!q35 || d.HasFeature("amd-sev-es") || d.HasFeature("intel-tdx"))
        {
            return false;
        }

        return secure
            ? d.HasFeature("secure-boot") && d.HasFeature("enrolled-keys") && d.HasFeature("requires-smm")
            : !d.HasFeature("secure-boot");
    }
}
