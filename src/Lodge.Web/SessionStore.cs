using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lodge.Web;

/// <summary>The logged-in browsers: a random session id (the HttpOnly, SameSite=Strict cookie) and, per session, a random
/// anti-forgery token that every state-changing request must send back in the <c>X-Lodge-Csrf</c> header or the
/// <c>csrf</c> form field. Sessions live in memory: a restarted server asks for the login link again.</summary>
public sealed class SessionStore
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "lodge_session";

    /// <summary>The anti-forgery header.</summary>
    public const string CsrfHeader = "X-Lodge-Csrf";

    private readonly ConcurrentDictionary<string, string> _csrfBySession = new(StringComparer.Ordinal);

    /// <summary>Starts a session; returns its id and its anti-forgery token.</summary>
    public (string Session, string Csrf) Create()
    {
        var session = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var csrf = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _csrfBySession[session] = csrf;
        return (session, csrf);
    }

    /// <summary>The anti-forgery token of a live session, or null when <paramref name="session"/> is none.</summary>
    public string? CsrfOf(string? session) =>
        session is not null && _csrfBySession.TryGetValue(session, out var csrf) ? csrf : null;

    /// <summary>Ends a session.</summary>
    public void Remove(string? session)
    {
        if (session is not null)
        {
            _csrfBySession.TryRemove(session, out _);
        }
    }
}
