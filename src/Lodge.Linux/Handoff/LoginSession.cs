namespace Lodge.Linux.Handoff;

/// <summary>One session logind knows (<c>loginctl list-sessions</c>), with what decides whether it ends with the display manager.</summary>
/// <param name="Id">The session id (<c>2</c>, <c>c1</c>).</param>
/// <param name="Uid">Its user.</param>
/// <param name="Seat">Its seat (<c>seat0</c>), empty for a remote or text session without one.</param>
/// <param name="Type">The login1.Session <c>Type</c>: <c>x11</c>, <c>wayland</c>, <c>mir</c>, <c>tty</c>, <c>unspecified</c>.</param>
/// <param name="Class">The login1.Session <c>Class</c>: <c>user</c>, <c>greeter</c>, <c>lock-screen</c>, <c>background</c>.</param>
/// <param name="Scope">Its cgroup scope (<c>session-2.scope</c>).</param>
public sealed record LoginSession(string Id, int Uid, string Seat, string Type, string Class, string Scope)
{
    /// <summary>A graphical session (a greeter or a user's X11 or Wayland desktop).</summary>
    public bool Graphical => Type is "x11" or "wayland" or "mir";
}
