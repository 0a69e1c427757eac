namespace Lodge.App.Demo;

/// <summary>A demo that passed: what the guest wrote into the shared folder, and the timings.</summary>
/// <param name="Content">The report the guest wrote (it carries the host's nonce).</param>
/// <param name="Share">How the folder was shared (virtiofs or 9p).</param>
/// <param name="Kvm">Whether the guest ran under KVM (else TCG).</param>
/// <param name="Timings">What was measured.</param>
public sealed record DemoResult(string Content, string Share, bool Kvm, DemoTimings Timings);
