using System.Diagnostics;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Xunit.Abstractions;

namespace Lodge.Linux.Tests.Handoff;

// Issue 10 item 9: real journals of a handoff killed after each step, torn and corrupted at random; rescue must give
// the host back (or say the state is unknown and claim nothing), and a second rescue must change nothing.
public sealed class HandoffJournalFuzzSpecs(ITestOutputHelper output)
{
    private const int Seed = 20261130;

    [Fact(Timeout = 600000)]
    public async Task I_can_tear_or_corrupt_a_real_journal_anywhere_and_rescue_restores_the_host_or_says_it_is_unknown()
    {
        // Arrange
        var random = new Random(Seed);
        int steps;
        using (var probe = new HandoffRig("EADE3920D9"))
        {
            steps = probe.Plan.Steps.Count;
        }

        var failures = new List<string>();
        var counts = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        const int Cases = 240;

        for (var n = 0; n < Cases; n++)
        {
            // Act: a handoff killed after step k, its journal mangled, then rescue twice.
            using var rig = new HandoffRig("EADE3920D9");
            rig.Guest = new Simulation.SimulatedGuest(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
            var afterStep = random.Next(1, steps + 1);
            await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = afterStep });
            var bytes = File.ReadAllBytes(rig.Journal.Path);
            var (kind, mangled) = Mangle(bytes, random);
            File.WriteAllBytes(rig.Journal.Path, mangled);
            var first = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
            var log = rig.Kernel.Log.Count;
            var stateAfterFirst = rig.Kernel.State();
            var second = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

            // Assert (collected)
            var name = $"case {n} ({kind}, killed after step {afterStep})";
            var verdict = first.Unknown is null ? "restored" : "unknown";
            counts[$"{kind} {verdict}"] = counts.GetValueOrDefault($"{kind} {verdict}") + 1;
            if (first.Unknown is null)
            {
                if (rig.Diff.Count > 0 || first.State != HandoffState.Returned || !rig.Journal.IsClean)
                {
                    failures.Add($"{name}: claimed restored, diff: {string.Join(" ", rig.Diff)}; journal clean: {rig.Journal.IsClean}");
                }

                if (second.Steps.Count > 0 || second.Unknown is not null)
                {
                    failures.Add($"{name}: the second rescue undid {second.Steps.Count} step(s) ({second.Unknown})");
                }
            }
            else
            {
                if (first.State == HandoffState.Returned || rig.Journal.IsClean || second.Unknown is null)
                {
                    failures.Add($"{name}: unknown, but the journal or a rescue claims clean");
                }

                if (kind == "torn")
                {
                    failures.Add($"{name}: a torn last record must never make the state unknown ({first.Unknown})");
                }
            }

            if (rig.Kernel.Log.Count != log || rig.Kernel.State().DiffFrom(stateAfterFirst).Count > 0)
            {
                failures.Add($"{name}: the second rescue changed the host");
            }
        }

        // Assert
        output.WriteLine($"Ran {Cases} mangled journals (seed {Seed}) in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"))}.");
        Assert.True(counts.Keys.Any(k => k.EndsWith(" unknown", StringComparison.Ordinal)) && counts.ContainsKey("torn restored"), "The fuzz must reach both outcomes.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // Records are synced before the step they announce runs, so a crash can only cut the last record; corruption
    // (a bad disk, a stray write) can hit any byte.
    private static (string Kind, byte[] Bytes) Mangle(byte[] bytes, Random random)
    {
        var lastStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        switch (random.Next(5))
        {
            case 0:
                // Torn: the last record cut anywhere (the kill came while it was being written).
                return ("torn", bytes[..random.Next(lastStart, bytes.Length)]);
            case 1:
                // Torn while writing one more record: part of a copy of a record appended.
                var lines = SplitLines(bytes);
                var extra = lines[random.Next(lines.Count)];
                return ("torn", [.. bytes, .. extra[..random.Next(1, extra.Length - 1)]]);
            case 2:
                // One to three bytes changed anywhere.
                var copy = (byte[])bytes.Clone();
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    var at = random.Next(copy.Length);
                    copy[at] = (byte)(copy[at] ^ (byte)random.Next(1, 256));
                }

                return ("corrupt", copy);
            case 3:
                // A garbage line inserted between two records.
                var all = SplitLines(bytes);
                all.Insert(random.Next(all.Count + 1), [.. "not a record"u8, (byte)'\n']);
                return ("garbage-line", [.. all.SelectMany(l => l)]);
            default:
                // A run of bytes zeroed, as a file system can leave after a power cut.
                var zeroed = (byte[])bytes.Clone();
                var start = random.Next(zeroed.Length);
                Array.Clear(zeroed, start, Math.Min(zeroed.Length - start, random.Next(1, 64)));
                return ("zeroed", zeroed);
        }
    }

    private static List<byte[]> SplitLines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..(i + 1)]);
                start = i + 1;
            }
        }

        return lines;
    }
}
