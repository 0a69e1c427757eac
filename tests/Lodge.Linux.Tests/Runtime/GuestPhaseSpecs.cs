using Lodge.Linux.Runtime;

namespace Lodge.Linux.Tests.Runtime;

/// <summary>A guest's phase is an enum in the code and one word in state.json: the words other tools and older lodges read.</summary>
public sealed class GuestPhaseSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodge-phase-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(GuestPhase.Starting, "starting")]
    [InlineData(GuestPhase.Running, "running")]
    public void I_can_read_a_guests_phase_in_state_json_as_its_word_and_read_it_back(GuestPhase phase, string word)
    {
        // Arrange
        var store = new GuestStateStore(new RuntimeRoots(Path.Combine(_root, "run"), Path.Combine(_root, "state")));
        var state = new GuestState("win", phase, DateTimeOffset.UnixEpoch, null, null, [], Path.Combine(_root, "qmp.sock"), null, [], [], []);

        // Act
        store.Write(state);
        var text = File.ReadAllText(store.Roots.StateFile("win"));
        var read = store.Read("win");

        // Assert
        Assert.Contains($"\"phase\": \"{word}\"", text, StringComparison.Ordinal);
        Assert.Equal(phase, read!.Phase);
        Assert.Equal(word, phase.Word());
    }

    [Fact]
    public void I_can_not_have_an_unknown_phase_word_taken_for_a_running_guest()
    {
        // Arrange: a state file whose phase no lodge wrote
        var store = new GuestStateStore(new RuntimeRoots(Path.Combine(_root, "run"), Path.Combine(_root, "state")));
        store.Write(new GuestState("win", GuestPhase.Running, DateTimeOffset.UnixEpoch, null, null, [], Path.Combine(_root, "qmp.sock"), null, [], [], []));
        var path = store.Roots.StateFile("win");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"running\"", "\"sleeping\"", StringComparison.Ordinal));

        // Act
        var read = store.Read("win");

        // Assert: a damaged state, not a guest in some phase
        Assert.Null(read);
    }
}
