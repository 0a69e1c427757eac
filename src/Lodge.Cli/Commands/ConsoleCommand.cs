using System.CommandLine;
using System.Net.Sockets;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge console NAME</c>: attaches stdin and stdout to the guest's serial console socket until either side closes.</summary>
public static class ConsoleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The guest whose serial console to attach." };
        var command = new Command("console", "Attach to a guest's serial console (Ctrl-C leaves).");
        command.Arguments.Add(name);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var state = new GuestStateStore(context.Roots).Refresh(machine, out _)
                ?? throw new GuestRuntimeException(machine, $"Guest '{machine}' is not running.");
            var path = state.SerialSocket ?? throw new GuestRuntimeException(machine, $"Guest '{machine}' has no serial console socket.");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            context.Error.WriteLine($"Connected to the serial console of '{machine}'; Ctrl-C leaves.");
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await using var stdin = Console.OpenStandardInput();
            await using var stdout = Console.OpenStandardOutput();
            var toGuest = stdin.CopyToAsync(stream, cancellationToken);
            var fromGuest = stream.CopyToAsync(stdout, cancellationToken);
            await Task.WhenAny(toGuest, fromGuest);
            return ExitCodes.Ok;
        });
        return command;
    }
}
