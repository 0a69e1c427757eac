using Lodge.Qmp.Protocol;

namespace Lodge.Qmp.Tests.Support;

/// <summary>Records every state change of a session, in order (qemu.qmp tests: <c>_watch_runstates</c>).</summary>
internal sealed class StateLog
{
    private readonly List<QmpSessionState> _states = [];

    private StateLog(QmpSession session) => session.StateChanged += (_, state) =>
    {
        lock (_states)
        {
            _states.Add(state);
        }
    };

    public IReadOnlyList<QmpSessionState> States
    {
        get
        {
            lock (_states)
            {
                return [.. _states];
            }
        }
    }

    public static StateLog Watch(QmpSession session) => new(session);
}
