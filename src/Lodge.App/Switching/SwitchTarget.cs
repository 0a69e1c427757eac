using Lodge.App.Machines;

namespace Lodge.App.Switching;

/// <summary>A machine a switch may give the GPU to, and who holds that GPU now.</summary>
/// <param name="Machine">The machine planned against the host (it takes a physical GPU, mode handoff or dedicated).</param>
/// <param name="Holder">The guest that holds a handed-off GPU through a live lodge, with that GPU; null when none does
/// (the switch is then <c>lodge up NAME</c>).</param>
public sealed record SwitchTarget(PlannedMachine Machine, (string Holder, string Gpu)? Holder);
