using Lodge.Core.Machines;

namespace Lodge.Core.Tests.Machines;

public sealed class NetworkModeSpecs
{
    [Theory]
    [InlineData("user", NetworkKind.User, null)]
    [InlineData("none", NetworkKind.None, null)]
    [InlineData("bridge:br0", NetworkKind.Bridge, "br0")]
    [InlineData("tap:tap7", NetworkKind.Tap, "tap7")]
    public void The_parser_reads_each_network_word_into_a_typed_mode_that_writes_the_same_word_back(string word, NetworkKind kind, string? name)
    {
        // Act
        var result = MachineParser.Parse($"os = \"linux\"\n[network]\nmode = \"{word}\"\n", "/m/l.toml", "l");

        // Assert
        Assert.Empty(result.Problems);
        Assert.Equal(new NetworkMode(kind, name), result.Machine.Network.Mode);
        Assert.Equal(word, result.Machine.Network.Mode.Word());
    }

    [Theory]
    [InlineData("bridge:")]
    [InlineData("tap:")]
    [InlineData("Bridge:br0")]
    [InlineData("macvtap")]
    public void A_word_that_is_no_network_mode_names_its_place_and_falls_back_to_user(string word)
    {
        // Act
        var result = MachineParser.Parse($"os = \"linux\"\n[network]\nmode = \"{word}\"\n", "/m/l.toml", "l");

        // Assert
        Assert.Contains(result.Problems, p => p.Location.Line == 3);
        Assert.Equal(NetworkMode.User, result.Machine.Network.Mode);
    }

    [Fact]
    public void Without_a_network_table_the_guest_gets_user_networking()
    {
        Assert.Equal(NetworkMode.User, MachineParser.Parse("os = \"linux\"\n", "/m/l.toml", "l").Machine.Network.Mode);
    }
}
