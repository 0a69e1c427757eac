using Lodge.Core;

namespace Lodge.App.Guests;

/// <summary>A USB device argument is neither <c>VVVV:PPPP</c> nor <c>port:BUS-PORT</c>.</summary>
public sealed class UsbDeviceSyntaxException(string machine, string device)
    : LodgeException($"Cannot attach '{device}' to '{machine}': a USB device is 'VVVV:PPPP' (vendor:product in hex) or 'port:BUS-PORT' such as 'port:1-4.2'.")
{
    /// <summary>The argument as given.</summary>
    public string Device { get; } = device;

    /// <inheritdoc/>
    public override int ExitCode => 64; // EX_USAGE, the CLI's ExitCodes.Usage
}
