namespace Lodge.Core.Setup;

/// <summary>The files a plan reads and the edits it stacks on them; several edits to one file merge into one change.</summary>
internal sealed class SetupChangeSet(IReadOnlyDictionary<string, string?> files)
{
    /// <summary>The header every file Lodge owns starts with; a file at one of those paths without it is not Lodge's.</summary>
    public const string OwnedHeader = "# Written by lodge setup; 'lodge setup --revert' removes it.";

    private readonly Dictionary<string, string?> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SetupReason>> _reasons = new(StringComparer.Ordinal);
    private readonly HashSet<string> _executable = new(StringComparer.Ordinal);

    public SetupError? Error { get; private set; }

    /// <summary>The text of a file as edited so far, or null when it does not exist.</summary>
    public string? Current(string path) =>
        _pending.TryGetValue(path, out var pending) ? pending : files.TryGetValue(path, out var text) ? text : null;

    public bool Exists(string path) => Current(path) is not null;

    /// <summary>Every known path below <paramref name="directory"/> that exists, in ordinal order.</summary>
    public IReadOnlyList<string> Under(string directory) =>
        [.. files.Keys.Concat(_pending.Keys).Distinct().Where(p => p.StartsWith(directory + "/", StringComparison.Ordinal) && Exists(p)).Order(StringComparer.Ordinal)];

    /// <summary>Records the new text of <paramref name="path"/> (null deletes it) with a reason.</summary>
    public void Set(string path, string? text, SetupReason reason, bool executable = false)
    {
        if (Current(path) == text && !_pending.ContainsKey(path))
        {
            return;
        }

        _pending[path] = text;
        if (!_reasons.TryGetValue(path, out var list))
        {
            _reasons[path] = list = [];
        }

        if (!list.Contains(reason))
        {
            list.Add(reason);
        }

        if (executable)
        {
            _executable.Add(path);
        }
    }

    /// <summary>Writes a whole file Lodge owns; refuses when a file is there that Lodge did not write.</summary>
    public void SetOwned(string path, string body, SetupReason reason, bool executable = false)
    {
        var current = Current(path);
        if (current is not null && !current.Contains(OwnedHeader, StringComparison.Ordinal))
        {
            Fail(path, $"'{path}' exists but was not written by Lodge, so setup will not overwrite it.", $"Move '{path}' aside (or merge it by hand) and run 'lodge setup' again.");
            return;
        }

        Set(path, body, reason, executable);
    }

    /// <summary>Forgets the edits planned for <paramref name="path"/>, so it stays as it is.</summary>
    public void Discard(string path)
    {
        _pending.Remove(path);
        _reasons.Remove(path);
        _executable.Remove(path);
    }

    /// <summary>The reasons recorded for <paramref name="path"/> so far.</summary>
    public IReadOnlyList<SetupReason> ReasonsFor(string path) => _reasons.TryGetValue(path, out var list) ? [.. list] : [];

    /// <summary>Records the first error; once set, the plan writes nothing.</summary>
    public void Fail(string? path, string message, string hint) => Error ??= new SetupError(path, message, hint);

    /// <summary>The changes whose text differs from the original, in path order.</summary>
    public IReadOnlyList<FileChange> Changes() =>
        [.. _pending.Keys.Order(StringComparer.Ordinal)
            .Select(p => new FileChange(p, files.GetValueOrDefault(p), _pending[p], _reasons[p], _executable.Contains(p)))
            .Where(c => c.Before != c.After)];

    /// <summary>True when <paramref name="path"/> ends up different from the original.</summary>
    public bool Changed(string path) => _pending.TryGetValue(path, out var text) && text != files.GetValueOrDefault(path);
}
