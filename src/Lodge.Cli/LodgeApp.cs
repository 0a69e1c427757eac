using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using Lodge.Cli.Commands;
using Lodge.Core;
using Lodge.Core.Machines;

namespace Lodge.Cli;

/// <summary>The command tree and the top-level error handling (house style §5).</summary>
public static class LodgeApp
{
    /// <summary>The global <c>--root</c> option: every read goes below this directory.</summary>
    public static readonly Option<string> RootOption = new("--root")
    {
        Description = "Read the host below this directory instead of / (a captured tree or an unpacked snapshot).",
        DefaultValueFactory = _ => "/",
        Recursive = true,
        HelpName = "DIR",
    };

    /// <summary>The global <c>--config-dir</c> option: where machine files live, instead of the default folder.</summary>
    public static readonly Option<string?> ConfigDirOption = new("--config-dir")
    {
        Description = "Read and write machine files in this directory instead of /etc/lodge/machines (root) or $XDG_CONFIG_HOME/lodge/machines.",
        Recursive = true,
        HelpName = "DIR",
    };

    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        // A plain command as the root, with help and version options of our own that do what RootCommand's do: RootCommand's
        // constructor asks the reflection runtime for the entry assembly (its file name), and HelpOption's and
        // VersionOption's constructors load System.CommandLine's resources (a ResourceManager, through reflection too);
        // either loads the metadata of every assembly in the image: ~130 KB of heap and ~0.4 MB of data pages on every
        // command (issue 16, memory). Help text and parse errors still come from there, when they are shown.
        var root = new Command("lodge", "Lodge: see what this Linux host can give to guests, then run them with passthrough.");
        root.Options.Add(RootOption);
        root.Options.Add(ConfigDirOption);
        root.Subcommands.Add(DevicesCommand.Create(context));
        root.Subcommands.Add(DoctorCommand.Create(context));
        root.Subcommands.Add(SnapshotCommand.Create(context));
        root.Subcommands.Add(NewCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Options.Add(ReportCommand.DatabaseOption);
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(PlanCommand.Create(context));
        root.Subcommands.Add(ArgsCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(SetupCommand.Create(context));
        root.Subcommands.Add(GpuCommand.Create(context));
        root.Subcommands.Add(RescueCommand.Create(context));
        root.Subcommands.Add(UpCommand.Create(context));
        root.Subcommands.Add(UpSpecCommand.Create(context));
        root.Subcommands.Add(SuperviseCommand.Create(context));
        root.Subcommands.Add(HandoffSuperviseCommand.Create(context));
        root.Subcommands.Add(DownCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(ConsoleCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(UsbCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(SwitchCommand.Create(context));
        root.Subcommands.Add(EnableCommand.CreateEnable(context));
        root.Subcommands.Add(EnableCommand.CreateDisable(context));
        root.Options.Add(new Option<bool>("--help", "-h", "-?")
        {
            Description = "Show help and usage information",
            Arity = ArgumentArity.Zero,
            Recursive = true,
            Action = new System.CommandLine.Help.HelpAction(),
        });
        root.Options.Add(VersionOption());

        var parse = root.Parse(args);
        if (parse.CommandResult.Command == root && parse.UnmatchedTokens.Count == 0 && parse.Errors.Count > 0)
        {
            // 'lodge' with no command (only global options, if any) is a request for help, not an error: the only parse error
            // left is the missing command, since an unknown word would be an unmatched token.
            parse = root.Parse([.. args, "--help"]);
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine($"Error: {error.Message}");
            }

            context.Error.WriteLine("Run 'lodge --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            CheckMachineNames(parse, context.Roots.RunRoot);
            return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (LodgeException e)
        {
            PrintChain(context.Error, e);
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The host refused a read or a write (a full or read-only disk, permissions, a name too long): not a bug,
            // and one sentence without a stack trace (a supervisor's log folds into the message of 'up --detach').
            context.Error.WriteLine($"Error: {e.Message.TrimEnd('.')}.");
            context.Error.WriteLine("Check that the folder named above exists, is writable and has free space ('df -h', 'mount'); LODGE_STATE_DIR and LODGE_RUN_DIR move lodge's folders.");
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Error.WriteLine("Error: lodge hit an unexpected error, which is a bug.");
            context.Error.WriteLine(e.ToString());
            context.Error.WriteLine("Please report it with the command you ran and this output.");
            return ExitCodes.InternalError;
        }
    }

    // The one boundary for machine names: every command names its machine argument NAME, and each is checked here,
    // before any command reads a file or a folder from it.
    private static void CheckMachineNames(ParseResult parse, string runRoot)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var argument in result.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().Where(a => a.Argument.Name == "NAME"))
            {
                foreach (var token in argument.Tokens)
                {
                    MachineName.Require(token.Value, runRoot);
                }
            }
        }
    }

    // '--version', alone: lodge's informational version (the package version and the commit it was built from).
    private static Option<bool> VersionOption()
    {
        var version = new Option<bool>("--version")
        {
            Description = "Show version information",
            Arity = ArgumentArity.Zero,
            Action = new PrintVersion(),
        };
        version.Validators.Add(static result =>
        {
            if (result.Parent is CommandResult parent && parent.Children.Any(r => r != result && r is OptionResult { Implicit: false }))
            {
                result.AddError($"{result.IdentifierToken?.Value ?? "--version"} option cannot be combined with other arguments.");
            }
        });
        return version;
    }

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(LodgeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return 0;
        }
    }

    internal static void PrintChain(TextWriter error, LodgeException e)
    {
        error.WriteLine($"Error: {e.Message}");
        var i = 0;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            error.WriteLine($"  {i++}: {inner.Message}");
        }

        if (e.Hint is not null)
        {
            error.WriteLine(e.Hint);
        }
    }
}
