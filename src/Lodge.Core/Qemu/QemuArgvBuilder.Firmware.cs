namespace Lodge.Core.Qemu;

/// <summary>OVMF on two pflash drives (code read-only, the guest's own NVRAM), and the swtpm TPM.</summary>
/// <remarks>Secure-boot OVMF is always paired with <c>smm=on</c> (in <c>-machine</c>) and a secure flash: QEMU would
/// start without them and the firmware would then misbehave.</remarks>
public sealed partial class QemuArgvBuilder
{
    /// <summary>The swtpm control socket of a plan's guest.</summary>
    public static string TpmSocketOf(Planning.MachinePlan plan) => $"{plan.Layout.RunDir}/swtpm.sock";

    private void AddFirmware()
    {
        var firmware = _plan.Firmware;
        if (!firmware.Uefi)
        {
            return;
        }

        if (firmware.SecureBoot)
        {
            Add("-global", "driver=cfi.pflash01,property=secure,value=on");
        }

        Add("-drive", $"if=pflash,unit=0,format={firmware.Format},readonly=on,file={firmware.Code}");
        Add("-drive", $"if=pflash,unit=1,format={firmware.Format},file={firmware.Nvram}");
    }

    private void AddTpm()
    {
        if (_plan.TpmStateDir is null)
        {
            return;
        }

        Add("-chardev", $"socket,id=chrtpm,path={TpmSocketOf(_plan)}");
        Add("-tpmdev", "emulator,id=tpm0,chardev=chrtpm");
        Add("-device", "tpm-crb,tpmdev=tpm0");
    }
}
