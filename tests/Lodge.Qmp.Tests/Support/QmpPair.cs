using Lodge.Qmp.Protocol;
using Lodge.Testing.Qmp;
using Lodge.Testing.Streams;

namespace Lodge.Qmp.Tests.Support;

/// <summary>A session wired to a <see cref="ScriptedQmpPeer"/> over an in-memory duplex pair, with its state log.</summary>
internal sealed class QmpPair : IAsyncDisposable
{
    private QmpPair(QmpSession session, InMemoryDuplexStream client, Task peer)
    {
        Session = session;
        Client = client;
        Peer = peer;
        States = StateLog.Watch(session);
    }

    public QmpSession Session { get; }

    public InMemoryDuplexStream Client { get; }

    /// <summary>The peer's run; await it to see script mismatches.</summary>
    public Task Peer { get; }

    public StateLog States { get; }

    /// <summary>Starts the peer; the session is still Idle.</summary>
    public static QmpPair Start(ScriptedQmpPeer peer, QmpSessionOptions? options = null)
    {
        var (client, server) = InMemoryDuplexStream.CreatePair();
        return new QmpPair(new QmpSession(options), client, peer.Start(server));
    }

    /// <summary>Starts the peer and connects; the session is Ready.</summary>
    public static async Task<QmpPair> ConnectAsync(ScriptedQmpPeer peer, QmpSessionOptions? options = null)
    {
        var pair = Start(peer, options);
        await pair.Session.ConnectAsync(pair.Client);
        return pair;
    }

    public Task ConnectAsync(CancellationToken cancellationToken = default) => Session.ConnectAsync(Client, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await Peer.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
