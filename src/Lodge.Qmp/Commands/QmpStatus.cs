namespace Lodge.Qmp.Commands;

/// <summary>The reply to <c>query-status</c>: the run state and whether the guest CPUs run.</summary>
/// <remarks>Sample: <c>{"status": "prelaunch", "singlestep": false, "running": false}</c>.</remarks>
/// <param name="Status">QEMU's <c>RunState</c>, such as <c>prelaunch</c>, <c>running</c>, <c>paused</c> or <c>shutdown</c>; kept as text so newer QEMU states still parse.</param>
/// <param name="Running">Whether the vCPUs are running.</param>
public sealed record QmpStatus(string Status, bool Running);
