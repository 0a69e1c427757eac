using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Doctor;

/// <summary>One section per kind of passthrough candidate, each device with its verdict and findings.</summary>
public static partial class HostDoctor
{
    private static IEnumerable<DoctorSection> Candidates(HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        (DeviceKind Kind, string Title, string None)[] kinds =
        [
            (DeviceKind.Gpu, "GPUs", "The host shows no GPU."),
            (DeviceKind.Usb, "USB controllers", "The host shows no USB controller."),
            (DeviceKind.Audio, "Audio devices", "The host shows no audio device."),
            (DeviceKind.Network, "Network controllers", "The host shows no network controller."),
        ];
        foreach (var (kind, title, none) in kinds)
        {
            var checks = assessments.Where(a => a.Kind == kind).Select(a => Candidate(host, a)).ToList();
            if (checks.Count == 0)
            {
                checks.Add(new DoctorCheck(CheckStatus.Info, "none", none));
            }

            yield return new DoctorSection(title, checks);
        }
    }

    private static DoctorCheck Candidate(HostSnapshot host, DeviceAssessment a)
    {
        var d = a.Device;
        var status = a.Verdict switch
        {
            Verdict.Isolated or Verdict.WithCompanions => a.Findings.Any(f => f.Severity == Severity.Error) ? CheckStatus.Fail : a.Findings.Any(f => f.Severity == Severity.Warning) ? CheckStatus.Warning : CheckStatus.Ok,
            Verdict.Shared or Verdict.NoIommu => CheckStatus.Fail,
            _ => CheckStatus.Unknown,
        };
        var ids = $"[{d.VendorId?.ToString("x4") ?? "????"}:{d.DeviceId?.ToString("x4") ?? "????"}]";
        var driver = !d.DriverKnown ? "driver unknown" : d.Driver is null ? "no driver" : $"driver {d.Driver}";
        var group = d.IommuGroup is { } g ? $"group {g}" : "no group";
        var verdict = a.Verdict is { } v ? Verdicts.Name(v) : "unknown";
        var title = d.DeviceName is null ? $"{d.Address} {ids}" : $"{d.Address} {d.DisplayName} {ids}";
        var detail = $"{verdict}; {group}; {driver}.";
        var details = a.Findings
            .Select(f => new DoctorCheck(FromSeverity(f.Severity), f.Code, f.Message, f.Fix))
            .ToList();
        return new DoctorCheck(status, title, detail) { Details = details };
    }

    private static CheckStatus FromSeverity(Severity severity) => severity switch
    {
        Severity.Error => CheckStatus.Fail,
        Severity.Warning => CheckStatus.Warning,
        _ => CheckStatus.Info,
    };
}
