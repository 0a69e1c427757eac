using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lodge.Core;

namespace Lodge.Web;

/// <summary>The long actions started from the dashboard, by id. Each runs in the server, on the App's services, not in the
/// page: closing the browser does not stop it.</summary>
public sealed class ActionRegistry
{
    private readonly ConcurrentDictionary<string, DashboardAction> _actions = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="run"/> in the background and returns its action at once.</summary>
    /// <param name="title">The lodge command it equals, e.g. <c>lodge up web1 --detach</c>.</param>
    /// <param name="run">The action: its lines go to the output; returns the exit code the command would.</param>
    public DashboardAction Start(string title, Func<ActionOutput, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var action = new DashboardAction(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), title);
        _actions[action.Id] = action;
        _ = Task.Run(async () => action.Complete(await RunAsync(action, run).ConfigureAwait(false)));
        return action;
    }

    /// <summary>The action with <paramref name="id"/>, or null.</summary>
    public DashboardAction? Find(string id) => _actions.GetValueOrDefault(id);

    /// <summary>Runs one action as the CLI's top level would: a Lodge error is its sentence and fix (exit 3), a refused read
    /// or write one sentence, anything else a bug with its stack trace among the lines (exit 70).</summary>
    internal static async Task<ActionEnded> RunAsync(DashboardAction action, Func<ActionOutput, Task<int>> run)
    {
        var output = new ActionOutput(action);
        try
        {
            var exit = await run(output).ConfigureAwait(false);
            return new ActionEnded(exit, exit == 0 ? null : output.Error, exit == 0 ? null : output.Hint);
        }
        catch (LodgeException e)
        {
            return new ActionEnded(e.ExitCode, Chain(e), e.Hint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ActionEnded(3, $"{e.Message.TrimEnd('.')}.", "Check that the folder named above exists, is writable and has free space ('df -h', 'mount'); LODGE_STATE_DIR and LODGE_RUN_DIR move lodge's folders.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            foreach (var line in e.ToString().Split('\n'))
            {
                output.Line(line);
            }

            return new ActionEnded(70, "lodge hit an unexpected error, which is a bug.", "Please report it with what you did and the lines above.");
        }
    }

    // The message and its causes, as the CLI prints them ("0: ...").
    private static string Chain(LodgeException e)
    {
        var text = e.Message;
        var i = 0;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $" {i++}: {inner.Message}";
        }

        return text;
    }
}
