using Lodge.Core.Runtime;

namespace Lodge.Linux.Runtime;

public sealed partial class GuestRuntime
{
    /// <summary>Replaces a guest's NVRAM with a fresh copy of its template (what <c>lodge up --reset-nvram</c> does).</summary>
    /// <remarks>The firmware settings the guest stored (boot entries, Secure Boot keys it enrolled) are lost; that is the point.</remarks>
    public static void ResetNvram(LaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Nvram is not { } nvram)
        {
            throw new GuestRuntimeException(spec.Machine, $"Machine '{spec.Machine}' has no NVRAM to reset (its firmware is not UEFI).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(nvram.Target))!);
        // HOST EFFECT: the guest's variable store becomes the template again (temporary name, fsync, rename); asked for explicitly.
        AtomicFile.Copy(nvram.Template, nvram.Target, overwrite: true);
    }

    // OVMF's variable store has a fixed size (the template's); a shorter or longer copy was cut off by a full disk or
    // written by something else, and the firmware would either refuse it or silently start from defaults.
    private static void CheckNvram(string machine, NvramCopy nvram)
    {
        long template;
        long target;
        try
        {
            template = new FileInfo(nvram.Template).Length;
            target = new FileInfo(nvram.Target).Length;
        }
        catch (FileNotFoundException e)
        {
            throw new GuestRuntimeException(machine, $"The NVRAM template '{nvram.Template}' of '{machine}' is missing.", e) { Hint = "Install the firmware package again (ovmf on Debian and Ubuntu)." };
        }

        if (template != target)
        {
            throw new GuestRuntimeException(machine, $"The NVRAM file '{nvram.Target}' of '{machine}' has {target} bytes, and its template '{nvram.Template}' has {template}, so it is damaged (cut off by a full disk, perhaps) and Lodge will not boot from it.")
            {
                Hint = $"Run 'lodge up {machine} --reset-nvram' to replace it with a fresh copy of the template (the guest's boot entries and enrolled keys are lost), or delete '{nvram.Target}'.",
            };
        }
    }
}
