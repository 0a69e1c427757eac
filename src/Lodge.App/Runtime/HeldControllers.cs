namespace Lodge.App.Runtime;

/// <summary>A machine's passed controllers that its journal (<c>{StateRoot}/NAME/controllers.journal</c>) still shows on vfio-pci.</summary>
/// <param name="Machine">The machine.</param>
/// <param name="Running">Whether its guest runs (then it keeps them, and <c>lodge rescue</c> leaves them alone).</param>
/// <param name="Devices">The functions the journal's plan names (<c>0000:08:00.3</c>, ...).</param>
/// <param name="Journal">The journal's path.</param>
/// <param name="Undoes">The steps <c>lodge rescue</c> undoes, in the order it undoes them (the journal's applied steps in reverse).</param>
/// <param name="Damage">Why the journal cannot be believed (damaged lines); null when it can.</param>
public sealed record HeldControllers(string Machine, bool Running, IReadOnlyList<string> Devices, string Journal, IReadOnlyList<string> Undoes, string? Damage)
{
    /// <summary>One sentence for <c>status</c>: what is held, and what stopping the guest or <c>lodge rescue</c> does about it.</summary>
    public string Sentence()
    {
        var devices = Devices.Count > 0 ? $" ('{string.Join("', '", Devices)}')" : string.Empty;
        if (Damage is { } damage)
        {
            return $"The controllers journal of '{Machine}' cannot be believed: {damage} 'lodge rescue' undoes what it can read ({Undoes.Count} step(s)) and says what to check by hand.";
        }

        if (Running)
        {
            return $"Lodge holds the controllers of '{Machine}'{devices} on vfio-pci for its guest, which is running; 'lodge down {Machine}' gives them back.";
        }

        return Undoes.Count == 0
            ? $"The controllers journal of '{Machine}' ('{Journal}') is left with nothing to undo; 'lodge rescue' removes it."
            : $"Lodge still holds the controllers of '{Machine}'{devices} on vfio-pci, but its guest is not running ('{Journal}'); 'lodge rescue' gives them back to their drivers by undoing {Undoes.Count} step(s): {string.Join("; ", Undoes.Select(u => $"'{u}'"))}.";
    }
}
