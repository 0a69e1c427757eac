using System.Text.Json.Nodes;
using Lodge.Qmp.Tests.Support;

namespace Lodge.Qmp.Tests.Transcripts;

/// <summary>
/// Records the transcripts in tests/data/qmp/&lt;qemu-version&gt;/ from the real QEMU on PATH.
/// Run: <c>LODGE_RECORD_QMP=1 dotnet test tests/Lodge.Qmp.Tests --filter Category=Record</c>, then review the diff.
/// </summary>
[Trait("Category", "Record")]
public sealed class TranscriptRecordingSpecs
{
    [RecordFact(Timeout = Lodge.Testing.Patience.TestMilliseconds)]
    public async Task I_can_record_the_QMP_transcripts_from_real_QEMU()
    {
        // Arrange
        var written = new List<string>();

        // Act
        written.Add(await RecordAsync("query-status", [], async qmp =>
        {
            await qmp.ExecuteAsync("query-status");
            await qmp.ExecuteAsync("quit");
        }));
        written.Add(await RecordAsync("powerdown-cont-stop", [], async qmp =>
        {
            await qmp.ExecuteAsync("query-status");
            await qmp.ExecuteAsync("system_powerdown", null, "POWERDOWN");
            await qmp.ExecuteAsync("cont", null, "RESUME");
            await qmp.ExecuteAsync("query-status");
            await qmp.ExecuteAsync("stop", null, "STOP");
            await qmp.ExecuteAsync("quit", null, "SHUTDOWN");
        }));
        written.Add(await RecordAsync("device-add-del-usb-kbd", ["-device", "qemu-xhci,id=xhci"], async qmp =>
        {
            await qmp.ExecuteAsync("device_add", new JsonObject { ["driver"] = "usb-kbd", ["id"] = "kbd0", ["bus"] = "xhci.0" });
            await qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = "kbd0" }, "DEVICE_DELETED");
            await qmp.ExecuteAsync("quit");
        }));
        written.Add(await RecordAsync("error-replies", [], async qmp =>
        {
            await qmp.ExecuteAsync("lodge-no-such-command");
            await qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = "no-such-device" });
            await qmp.ExecuteAsync("quit");
        }));
        written.Add(await RecordAsync("chardev-and-hmp", [], async qmp =>
        {
            await qmp.ExecuteAsync("query-chardev");
            await qmp.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = "info status" });
            await qmp.ExecuteAsync("quit");
        }));

        // Assert
        Assert.All(written, path => Assert.True(File.Exists(path), path));
    }

    private static async Task<string> RecordAsync(string name, string[] qemuArguments, Func<TranscriptRecorder, Task> conversation)
    {
        await using var qemu = QemuUnderTest.Start(qemuArguments);
        await qemu.WaitForSocketAsync(Lodge.Testing.Patience.Event);
        await using var recorder = await TranscriptRecorder.ConnectAsync(qemu.QmpSocketPath);
        await conversation(recorder);
        await recorder.RecordCloseAsync();
        var path = Path.Combine(RepositoryPaths.TranscriptSourceDirectory, recorder.Version!.ToString(), name + ".jsonl");
        await recorder.SaveAsync(path);
        return path;
    }
}
