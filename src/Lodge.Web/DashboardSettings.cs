using Lodge.App;

namespace Lodge.Web;

/// <summary>What <c>lodge serve</c> was given: where to listen, the login token, the world of the host, and how guests start.</summary>
/// <param name="Listen">The address and port.</param>
/// <param name="Token">The login token (<see cref="DashboardToken"/>).</param>
/// <param name="Host">The composition root: paths, host root, machine files, journal.</param>
/// <param name="Commands">Runs lodge's own commands.</param>
/// <param name="Tcg">Start guests with <c>--tcg</c> (hosts without KVM).</param>
/// <param name="TestHooks">LODGE_TEST_HOOKS=1: emulated USB devices are offered.</param>
public sealed record DashboardSettings(ListenAddress Listen, string Token, LodgeHost Host, LodgeCommands Commands, bool Tcg, bool TestHooks);
