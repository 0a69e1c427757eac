using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge demo</c> end to end under TCG: boot, share round trip, ACPI power-off.</summary>
public sealed class DemoSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Theory(Timeout = Patience.TestMilliseconds)]
    [InlineData("9p")]
    [InlineData("virtiofs")]
    public async Task I_can_run_the_demo_and_see_the_guest_use_the_shared_folder_and_power_off_through_ACPI(string share)
    {
        // Arrange
        _ = fixture.Roots;

        // Act
        var result = await LodgeCli.RunAsync("demo", "--share", share, "--tcg");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("Demo passed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"share={share}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("boot to user space (TCG)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "demo"));
    }
}
