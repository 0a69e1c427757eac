using Lodge.App;

namespace Lodge.Web;

/// <summary>What <c>lodge serve</c> was given: where to listen, the login token, the world of the host, and how guests start.</summary>
/// <param name="Listen">The address and port.</param>
/// <param name="Token">The login token (<see cref="DashboardToken"/>).</param>
/// <param name="Host">The composition root, built from the same options, root and paths as the CLI's: every service the
/// dashboard calls is built from it.</param>
/// <param name="Renderer">The CLI's renderers (JSON and the lines each command prints).</param>
/// <param name="Tcg">Start guests with <c>--tcg</c> (hosts without KVM).</param>
/// <param name="TestHooks">LODGE_TEST_HOOKS=1: emulated USB devices are offered.</param>
public sealed record DashboardSettings(ListenAddress Listen, string Token, LodgeHost Host, IDashboardRenderer Renderer, bool Tcg, bool TestHooks)
{
    /// <summary>The hidden <c>--simulated-host</c>: handoffs started here run against the simulated kernel over a copy of
    /// <c>--root</c> (specs), as <c>lodge up --simulated-host</c> does.</summary>
    public bool SimulatedHost { get; init; }
}
