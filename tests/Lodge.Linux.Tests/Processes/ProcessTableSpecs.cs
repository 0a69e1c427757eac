using Lodge.Linux.Processes;

namespace Lodge.Linux.Tests.Processes;

public sealed class ProcessTableSpecs
{
    [Fact]
    public void Waiting_for_a_parent_that_stays_ends_after_the_patience_and_one_that_is_no_longer_the_parent_ends_at_once()
    {
        // Arrange: this test's parent (the test host's runner) outlives the test.
        var parent = ProcessTable.ParentOfSelf();
        Assert.Equal(int.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), parent);

        // Act
        var stayed = ProcessTable.WaitForParentToExit(parent, TimeSpan.FromMilliseconds(30), TimeProvider.System);
        var gone = ProcessTable.WaitForParentToExit(Environment.ProcessId, TimeSpan.FromSeconds(30), TimeProvider.System);

        // Assert
        Assert.False(stayed);
        Assert.True(gone); // a pid that is not (or no longer) the parent: reparented already
    }
}
