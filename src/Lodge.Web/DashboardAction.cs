namespace Lodge.Web;

/// <summary>One long action the dashboard runs (a guest's start, a shutdown, a switch, a rescue) on the App's services: its
/// progress lines as they come, then its end. The server runs it, not the page: it goes on when the browser goes away.</summary>
public sealed class DashboardAction
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal DashboardAction(string id, string title)
    {
        Id = id;
        Title = title;
    }

    /// <summary>The action's id in <c>/api/actions/ID</c>.</summary>
    public string Id { get; }

    /// <summary>What it does, e.g. <c>lodge up web1 --detach</c>.</summary>
    public string Title { get; }

    /// <summary>How it ended; null while it runs.</summary>
    public ActionEnded? Result { get; private set; }

    /// <summary>The lines printed so far, from <paramref name="from"/> on, and whether the action has ended.</summary>
    public (IReadOnlyList<string> Lines, bool Done, Task Changed) Since(int from)
    {
        lock (_gate)
        {
            return (_lines.Skip(from).ToList(), Result is not null, _changed.Task);
        }
    }

    internal void Append(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            Signal();
        }
    }

    internal void Complete(ActionEnded result)
    {
        lock (_gate)
        {
            Result = result;
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
