using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Lodge.App.Guests;
using Lodge.Linux.Terminal;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge console NAME</c>: attaches the terminal, in raw mode, to the guest's serial console socket; Ctrl-] leaves.</summary>
/// <remarks>On a terminal every key goes to the guest (Ctrl-C, Tab, the arrows) and the guest does the echo; the
/// terminal's settings come back on every way out (Ctrl-], the guest closing, an error, SIGTERM or SIGHUP). When stdin
/// is not a terminal, bytes are piped as they are until either side closes.</remarks>
public static class ConsoleCommand
{
    /// <summary>The key that leaves the console: Ctrl-] (0x1d), as telnet and virsh console use.</summary>
    public const byte EscapeKey = 0x1d;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The guest whose serial console to attach." };
        var command = new Command("console", "Attach to a guest's serial console (raw mode: Ctrl-C goes to the guest; Ctrl-] leaves).");
        command.Arguments.Add(name);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var path = new GuestService(context.Host(parse)).SerialSocket(machine);
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            // Plain read(2)/write(2) on fds 0 and 1: .NET's console streams re-apply their own terminal settings around
            // every read, which undoes raw mode (Ctrl-C became a signal again and nothing reached the guest).
            // Unbuffered and never disposed: disposing waits for the read of fd 0 that is still pending when we leave.
            var stdin = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 0);
            var stdout = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 0);
            using var leave = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var terminal = RawTerminal.Enter(0);
            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                terminal?.Dispose();
                leave.Cancel();
            }

            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
            context.Error.Write(terminal is null
                ? $"Connected to the serial console of '{machine}'.\n"
                : $"Connected to the serial console of '{machine}' (raw mode); Ctrl-] leaves.\r\n");
            var toGuest = terminal is null ? stdin.CopyToAsync(stream, leave.Token) : KeysToGuestAsync(stdin, stream, leave.Token);
            var fromGuest = stream.CopyToAsync(stdout, leave.Token);
            var cancelled = Task.Delay(Timeout.Infinite, leave.Token);
            await Task.WhenAny(toGuest, fromGuest, cancelled);
            terminal?.Dispose();
            if (terminal is not null)
            {
                context.Error.WriteLine($"\nLeft the serial console of '{machine}'.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // Copies keys to the guest until Ctrl-]; everything else, Ctrl-C included, is the guest's.
    private static async Task KeysToGuestAsync(Stream keys, Stream guest, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (true)
        {
            var n = await keys.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            var escape = Array.IndexOf(buffer, EscapeKey, 0, n);
            await guest.WriteAsync(buffer.AsMemory(0, escape < 0 ? n : escape), cancellationToken).ConfigureAwait(false);
            await guest.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (escape >= 0)
            {
                return;
            }
        }
    }
}
