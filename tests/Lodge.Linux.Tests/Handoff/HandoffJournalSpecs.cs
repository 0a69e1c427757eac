using System.Text;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Tests.Handoff;

// Issue 10 item 9: torn lines, damaged lines and damaged first lines of the handoff journal.
public sealed class HandoffJournalSpecs
{
    [Fact(Timeout = 30000)]
    public async Task I_can_rescue_after_a_torn_last_line_and_the_journal_ends_clean_so_a_second_rescue_does_nothing()
    {
        // Arrange: killed while writing the record after step 5.
        using var rig = new HandoffRig("EADE3920D9");
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = 5 });
        File.AppendAllText(rig.Journal.Path, "3a1f09c2 {\"event\":\"beg");

        // Act
        var first = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var log = rig.Kernel.Log.Count;
        var second = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert
        Assert.Null(first.Unknown);
        Assert.Equal(5, first.Steps.Count);
        Assert.All(first.Steps, s => Assert.Equal(StepOutcome.Undone, s.Outcome));
        Assert.Empty(rig.Diff);
        Assert.True(rig.Journal.IsClean);
        Assert.Equal(5, rig.Journal.Read().Count(e => e.Event == JournalEntry.Undone));
        Assert.Empty(second.Steps);
        Assert.Equal(log, rig.Kernel.Log.Count);
        Assert.DoesNotContain("beg", File.ReadAllText(rig.Journal.Path).Split('\n')[^2], StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_read_past_a_garbage_line_in_the_middle_and_the_journal_is_unknown_not_clean()
    {
        // Arrange: line 4 of 11 replaced by garbage.
        using var rig = new HandoffRig("EADE3920D9");
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = 5 });
        var lines = File.ReadAllLines(rig.Journal.Path);
        lines[3] = "garbage";
        File.WriteAllLines(rig.Journal.Path, lines);

        // Act
        var reading = rig.Journal.Inspect();
        var rescue = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var log = rig.Kernel.Log.Count;
        var second = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert: the begin of step 5 (line 10) is still read, and rescue claims nothing.
        Assert.Equal(JournalStatus.Unknown, reading.Status);
        Assert.Equal([4], reading.DamagedLines);
        Assert.Contains(reading.Entries, e => e.Event == JournalEntry.Begin && e.Index == 5);
        Assert.NotNull(rescue.Unknown);
        Assert.Equal(HandoffState.NeedsRescue, rescue.State);
        Assert.False(rig.Journal.IsClean);
        Assert.Empty(second.Steps);
        Assert.NotNull(second.Unknown);
        Assert.Equal(log, rig.Kernel.Log.Count);
    }

    [Theory]
    [InlineData("not json at all\n")]
    [InlineData("\u0000\u0000\u0000\u0000\n")]
    [InlineData("00000000 {\"event\":\"plan\"}\n")]
    public void I_can_read_a_journal_with_a_garbage_first_line_and_it_is_unknown_not_clean(string content)
    {
        // Arrange
        var path = Path.Combine(Directory.CreateTempSubdirectory("lodge-journal-").FullName, "handoff.journal");
        File.WriteAllText(path, content);

        // Act
        var reading = new HandoffJournal(path).Inspect();

        // Assert
        Assert.Equal(JournalStatus.Unknown, reading.Status);
        Assert.Contains("first line", reading.Reason, StringComparison.Ordinal);
        Assert.False(new HandoffJournal(path).IsClean);
    }

    [Fact]
    public void I_can_read_a_missing_journal_as_no_handoff_ever_began_and_an_unreadable_one_as_unknown()
    {
        // Arrange
        var dir = Directory.CreateTempSubdirectory("lodge-journal-").FullName;
        var directory = Path.Combine(dir, "is-a-directory");
        Directory.CreateDirectory(directory);

        // Act
        var missing = new HandoffJournal(Path.Combine(dir, "handoff.journal")).Inspect();
        var unreadable = new HandoffJournal(directory).Inspect();

        // Assert
        Assert.Equal(JournalStatus.Missing, missing.Status);
        Assert.True(missing.IsClean);
        Assert.Equal(JournalStatus.Unknown, unreadable.Status);
        Assert.False(unreadable.IsClean);
    }

    [Fact]
    public void I_can_read_a_journal_of_the_older_format_without_checksums()
    {
        // Arrange
        var path = Path.Combine(Directory.CreateTempSubdirectory("lodge-journal-").FullName, "handoff.journal");
        File.WriteAllText(path, "{\"event\":\"plan\",\"name\":\"win\",\"detail\":\"0000:06:00.0\"}\n{\"event\":\"begin\",\"index\":1,\"name\":\"stop the display manager\",\"undo\":{\"kind\":\"StartDisplayManager\",\"target\":\"display-manager.service\",\"mayFail\":false},\"timeoutMs\":60000}\n{\"event\":\"do");
        var journal = new HandoffJournal(path);

        // Act
        var before = journal.Inspect();
        journal.Append(new JournalEntry(JournalEntry.Undone, 1));
        journal.Append(new JournalEntry(JournalEntry.Clean));

        // Assert
        Assert.Equal(JournalStatus.Pending, before.Status);
        Assert.Equal("0000:06:00.0", before.Gpu);
        Assert.Equal([JournalEntry.Plan, JournalEntry.Begin, JournalEntry.Undone, JournalEntry.Clean], journal.Read().Select(e => e.Event));
        Assert.True(journal.IsClean);
    }

    [Fact]
    public void I_can_see_each_record_carry_the_checksum_of_its_own_body()
    {
        // Arrange
        var path = Path.Combine(Directory.CreateTempSubdirectory("lodge-journal-").FullName, "handoff.journal");
        var journal = new HandoffJournal(path);

        // Act
        journal.Start("win", "0000:06:00.0");
        var line = File.ReadAllText(path);

        // Assert
        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        var body = line[9..^1];
        var sum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..8];
        Assert.Equal($"{sum} {body}\n", line);
        Assert.Equal(JournalStatus.Pending, journal.Inspect().Status);
    }
}
