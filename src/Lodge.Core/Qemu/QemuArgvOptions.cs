namespace Lodge.Core.Qemu;

/// <summary>How to build an argv beyond the plan itself.</summary>
/// <param name="Accel"><c>kvm</c> in production; <c>tcg</c> for tests on machines without KVM.</param>
public sealed record QemuArgvOptions(string Accel = "kvm");
