using Lodge.App.Guests;
using Lodge.Core.Machines;

namespace Lodge.App.Switching;

/// <summary>Which USB devices move with the GPU in a switch.</summary>
/// <remarks>
/// The rule: what NAME's definition lists is given to NAME (its QEMU starts with those devices once the previous guest's
/// QEMU has let them go, as its evdev input and its audio route are its own); a device attached to the previous guest at
/// run time (<c>lodge usb attach</c>) moves only when NAME's definition also names it, by the same vendor:product or the
/// same host port. Every other device the previous guest held goes back to the host when its QEMU exits.
/// </remarks>
public static class SwitchUsb
{
    /// <summary>The USB devices <paramref name="machine"/>'s definition names (<c>[[usb]] device</c>), in <see cref="HotPluggedUsb.Key"/>'s spelling.</summary>
    public static IReadOnlyList<string> Defined(MachineConfig machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return [.. machine.Usb.Select(u => u.Device).OfType<string>().Select(HotPluggedUsb.Key).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The devices attached to the previous guest at run time that move to the next (its definition names them),
    /// and those that go back to the host.</summary>
    public static (IReadOnlyList<string> Moving, IReadOnlyList<string> Staying) Split(IReadOnlyList<string> hotPlugged, IReadOnlyList<string> defined)
    {
        ArgumentNullException.ThrowIfNull(hotPlugged);
        ArgumentNullException.ThrowIfNull(defined);
        var named = defined.ToHashSet(StringComparer.Ordinal);
        return ([.. hotPlugged.Where(named.Contains)], [.. hotPlugged.Where(d => !named.Contains(d))]);
    }

    /// <summary>One line per device attached to <paramref name="from"/> at run time: whether it moves to <paramref name="to"/>.</summary>
    public static IEnumerable<string> Lines(string from, string to, IReadOnlyList<string> hotPlugged, IReadOnlyList<string> defined)
    {
        var (moving, staying) = Split(hotPlugged, defined);
        foreach (var device in moving)
        {
            yield return $"USB '{device}', attached to '{from}' with 'lodge usb attach', moves to '{to}', whose definition names it.";
        }

        foreach (var device in staying)
        {
            yield return $"USB '{device}', attached to '{from}' with 'lodge usb attach', goes back to the host: '{to}''s definition does not name it.";
        }
    }
}
