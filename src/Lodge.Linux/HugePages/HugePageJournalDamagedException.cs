using Lodge.Core;

namespace Lodge.Linux.HugePages;

/// <summary>The hugepage journal has a damaged line: nothing in it is acted on until someone checks the pools and moves it aside.</summary>
public sealed class HugePageJournalDamagedException : LodgeException
{
    /// <summary>The journal at <paramref name="path"/> is damaged, as <paramref name="message"/> says.</summary>
    public HugePageJournalDamagedException(string path, string message)
        : base(message)
    {
        JournalPath = path;
        Hint = HintFor(path);
    }

    /// <summary>The journal.</summary>
    public string JournalPath { get; }

    /// <summary>What to check by hand, and how to move the journal aside.</summary>
    public static string HintFor(string path) =>
        $"Check /sys/devices/system/node/node*/hugepages/*/nr_hugepages and /sys/kernel/mm/hugepages/*/nr_hugepages, give back by hand what no guest uses, then: mv '{path}' '{path}.damaged'";
}
