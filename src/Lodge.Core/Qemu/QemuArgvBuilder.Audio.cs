namespace Lodge.Core.Qemu;

/// <summary>The host audio backend and the guest's HDA or USB sound card.</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddAudio()
    {
        var audio = _plan.Audio;
        if (!audio.Emulated)
        {
            return;
        }

        // QEMU runs as root, so it is told where the desktop user's PulseAudio socket is (audiodev pa server=).
        Add("-audiodev", audio.Server is { } server ? $"{audio.Backend},id=snd0,server=unix:{server}" : $"{audio.Backend},id=snd0");
        if (audio.Device == "usb")
        {
            Add("-device", "usb-audio,audiodev=snd0,bus=xhci.0");
            return;
        }

        Add("-device", $"ich9-intel-hda,id=sound0,{GuestPciSlots.OnRoot(GuestPciSlots.Sound)}");
        Add("-device", "hda-duplex,audiodev=snd0,bus=sound0.0");
    }
}
