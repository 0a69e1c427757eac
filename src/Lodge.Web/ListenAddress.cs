using System.Globalization;
using System.Net;
using Lodge.Core;

namespace Lodge.Web;

/// <summary>Where the dashboard listens: <c>127.0.0.1:7420</c> unless <c>--listen ADDR:PORT</c> names another address.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    /// <summary>The default: loopback only, port 7420 (guests on QEMU's user network reach it as 10.0.2.2:7420).</summary>
    public static ListenAddress Default { get; } = new(IPAddress.Loopback, 7420);

    /// <summary>True when only this host can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Parses <c>ADDR:PORT</c> (<c>[ADDR]:PORT</c> for IPv6); bad input is one sentence with the fix.</summary>
    public static ListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 && !text.EndsWith(":0", StringComparison.Ordinal) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new ConfigException($"--listen '{text}' is not an address and port.") { Hint = "Give ADDR:PORT, e.g. --listen 127.0.0.1:7420 or --listen 192.168.122.1:7420." };
        }

        return new ListenAddress(endpoint.Address, endpoint.Port);
    }

    /// <summary>The address as a URL's host and port.</summary>
    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
