using System.Text;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Testing;

namespace Lodge.Core.Tests.Machines;

/// <summary>Thousands of mutated machine files: the parser and validator never throw, and every problem names a place.</summary>
public sealed class MachineFuzzSpecs
{
    private static readonly string[] Fragments = ["[", "]", "[[", "]]", "=", "\"", "'", "\n", "#", ".", ",", "{", "}", "0x", "1e9", "true", "\"16Q\"", "[gpu]", "[[disk]]", "cores", "\\u", "\"\"\"", "9999999999999999999999"];

    [Fact(Timeout = 60000)]
    public async Task I_can_feed_the_parser_thousands_of_mutated_files_and_get_problems_with_places_not_crashes()
    {
        // Arrange
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Golden", "machines", "valid-win11.toml"));
        var (host, assessments) = FixtureHosts.Load("GH-mathewlear-X670EI");
        var random = new Random(20261127);

        await Task.Run(() =>
        {
            for (var i = 0; i < 3000; i++)
            {
                var text = Mutate(seed, random, 1 + random.Next(6));

                // Act
                var parsed = MachineParser.Parse(text, "fuzz.toml", "fuzz");
                var problems = parsed.Problems.Concat(MachineValidator.Validate(parsed.Machine, host, assessments, [parsed.Machine])).ToList();

                // Assert
                var lines = text.Split('\n').Length;
                foreach (var p in problems)
                {
                    Assert.True(p.Location.Line >= 1 && p.Location.Line <= lines + 1 && p.Location.Column >= 1, $"Case {i}: {p.Format()}\n---\n{text}");
                    Assert.False(string.IsNullOrWhiteSpace(p.Message), $"Case {i}: empty message");
                }
            }
        });
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a=", "}")]
    public void I_can_parse_a_machine_nested_deeper_than_64_levels_and_get_one_error_naming_the_file(string open, string close)
    {
        // Arrange
        var text = $"os = \"linux\"\nx = {string.Concat(Enumerable.Repeat(open, 100))}1{string.Concat(Enumerable.Repeat(close, 100))}\n";

        // Act
        var parsed = MachineParser.Parse(text, "/etc/lodge/machines/deep.toml", "deep");

        // Assert
        var problem = Assert.Single(parsed.Problems);
        Assert.Equal(Severity.Error, problem.Severity);
        Assert.Contains("'/etc/lodge/machines/deep.toml' nests arrays or tables deeper than 64 levels", problem.Message, StringComparison.Ordinal);
        Assert.Equal("deep", parsed.Machine.Name);
    }

    private static string Mutate(string text, Random random, int count)
    {
        var b = new StringBuilder(text);
        for (var n = 0; n < count && b.Length > 0; n++)
        {
            var at = random.Next(b.Length);
            switch (random.Next(6))
            {
                case 5:
                    // Deep nesting (issue 10): Tomlyn throws past 64 levels; one bad file must only affect itself.
                    var depth = 60 + random.Next(200);
                    b.Insert(at, random.Next(2) == 0 ? $"x = {new string('[', depth)}{new string(']', depth)}\n" : $"x = {string.Concat(Enumerable.Repeat("{a=", depth))}1{new string('}', depth)}\n");
                    break;
                case 0:
                    b.Remove(at, Math.Min(1 + random.Next(8), b.Length - at));
                    break;
                case 1:
                    b.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    b[at] = (char)random.Next(0x20, 0x7f);
                    break;
                case 3:
                    var lines = b.ToString().Split('\n').ToList();
                    var line = random.Next(lines.Count);
                    lines.Insert(random.Next(lines.Count), lines[line]);
                    b.Clear().Append(string.Join('\n', lines));
                    break;
                default:
                    b.Insert(at, (char)random.Next(0, 0x3000));
                    break;
            }
        }

        return b.ToString();
    }
}
