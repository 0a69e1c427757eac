namespace Lodge.Core.Tests.Qemu;

/// <summary>Helpers (swtpm) started from a launch spec's argv for one test, stopped in reverse at the end.</summary>
internal sealed class HelperSet : IAsyncDisposable
{
    private readonly List<RealQemu> _started = [];

    public async Task StartAsync(IReadOnlyList<string> argv, string readySocket, bool probe = true)
    {
        var helper = RealQemu.Start(argv);
        _started.Add(helper);
        await helper.WaitForSocketAsync(readySocket, Lodge.Testing.Patience.Event, probe);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }
    }
}
