using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Truncated, corrupted and half-missing trees give answers (with unknowns), never a crash.</summary>
public sealed class GarbageTreeSpecs
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        var seed = 1;
        foreach (var fixture in RepoPaths.HostFixtures)
        {
            data.Add(fixture, seed++);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_mangled_copy_of_a_host_tree_never_crashes_any_command(string fixture, int seed)
    {
        // Arrange
        using var tree = new TreeCopy(RepoPaths.Host(fixture));
        Mangle(tree, new Random(seed));

        // Act + Assert
        foreach (var args in new[] { new[] { "devices", "--json" }, ["devices"], ["doctor"], ["doctor", "--json"] })
        {
            var result = CliRun.Run([.. args, "--root", tree.Root]);
            Assert.True(result.ExitCode is >= 0 and <= 2, $"{fixture} seed {seed} {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Error}");
        }
    }

    [Fact]
    public void An_empty_tree_is_all_unknowns_and_not_an_error()
    {
        // Arrange
        using var tree = new TreeCopy();

        // Act
        var result = CliRun.Run("doctor", "--root", tree.Root);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot be checked", result.Console);
    }

    [Fact]
    public void A_root_that_does_not_exist_is_a_clear_one_sentence_error()
    {
        // Act
        var result = CliRun.Run("devices", "--root", "/nonexistent/lodge-root");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("Error: The host root '/nonexistent/lodge-root' is not a directory.", result.Error);
        Assert.Contains("--root", result.Error.Split('\n')[1]);
    }

    private static void Mangle(TreeCopy tree, Random random)
    {
        foreach (var path in tree.Entries())
        {
            if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                continue; // already removed with its parent
            }

            var roll = random.Next(100);
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                if (roll < 15)
                {
                    File.Delete(path);
                    File.CreateSymbolicLink(path, roll < 7 ? "../../../../../../../../nowhere" : Path.GetFileName(path));
                }

                continue;
            }

            if (Directory.Exists(path))
            {
                if (roll < 3)
                {
                    Directory.Delete(path, recursive: true);
                }

                continue;
            }

            switch (roll)
            {
                case < 10:
                    File.WriteAllBytes(path, []);
                    break;
                case < 20:
                    var bytes = new byte[random.Next(1, 300)];
                    random.NextBytes(bytes);
                    File.WriteAllBytes(path, bytes);
                    break;
                case < 25:
                    var text = File.ReadAllText(path);
                    File.WriteAllText(path, text[..(text.Length / 2)]);
                    break;
                case < 30:
                    File.Delete(path);
                    break;
                case < 33:
                    File.Delete(path);
                    Directory.CreateDirectory(path);
                    break;
            }
        }
    }
}
