using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lodge.Web;

/// <summary>The long actions started from the dashboard, by id.</summary>
public sealed class ActionRegistry(LodgeCommands commands)
{
    private readonly ConcurrentDictionary<string, DashboardAction> _actions = new(StringComparer.Ordinal);

    /// <summary>Starts <c>lodge ARGS...</c> in the background and returns its action at once.</summary>
    public DashboardAction Start(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var action = new DashboardAction(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), "lodge " + string.Join(' ', args));
        _actions[action.Id] = action;
        _ = Task.Run(async () =>
        {
            try
            {
                action.Complete(await commands.RunAsync(args, action.Append).ConfigureAwait(false));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or System.ComponentModel.Win32Exception)
            {
                action.Complete(new CommandResult(70, "", $"Error: the dashboard could not run '{action.Title}': {e.Message}\n"));
            }
        });
        return action;
    }

    /// <summary>The action with <paramref name="id"/>, or null.</summary>
    public DashboardAction? Find(string id) => _actions.GetValueOrDefault(id);
}
