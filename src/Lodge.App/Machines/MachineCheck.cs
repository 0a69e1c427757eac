using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.App.Machines;

/// <summary>What <c>lodge check</c> learns about one machine: its parsed file, the host it was checked against, and every
/// problem (file, host, disks, shares, sockets) in file order.</summary>
/// <param name="Parsed">The machine file as parsed.</param>
/// <param name="Host">The host snapshot the machine was checked against.</param>
/// <param name="Assessments">The verdict of every host device.</param>
/// <param name="Problems">Every problem, in file order.</param>
public sealed record MachineCheck(MachineParseResult Parsed, HostSnapshot Host, IReadOnlyList<DeviceAssessment> Assessments, IReadOnlyList<Problem> Problems);
