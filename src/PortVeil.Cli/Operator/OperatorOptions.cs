using System.CommandLine;
using PortVeil.Daemon.Options;

namespace PortVeil.Cli.Operator;

/// <summary>
/// The options every operator verb takes: where the configuration and the database are, which network namespace's
/// kernel table to act on, whether to touch the kernel at all, and the output format. One instance per command
/// (System.CommandLine binds an option to the command it is added to).
/// </summary>
internal sealed class OperatorOptions
{
    public Option<string> Config { get; } = new("--config", "-c")
    {
        Description = $"configuration file (default {ConfigLoader.DefaultPath}; missing means all defaults)",
    };

    public Option<string> Database { get; } = new("--database")
    {
        Description = "a SQLite database file to use instead of the one [storage] in the configuration selects (SQLite or PostgreSQL)",
    };

    public Option<string> Output { get; } = CreateOutput();

    public Option<bool> NoKernel { get; } = new("--no-kernel")
    {
        Description = "change and read only the database; a running daemon applies the change to the kernel within a second",
    };

    public Option<string> Netns { get; } = new("--netns")
    {
        Description = "act on the table in this network namespace (a name under /var/run/netns, or a path)",
    };

    /// <summary>False for verbs that only use the database (`allow list`, `allow remove`, `incidents`).</summary>
    public bool UsesKernel { get; private set; } = true;

    public static Option<string> CreateOutput()
    {
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        return output;
    }

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="kernel"/> false for verbs that never read the kernel.</summary>
    public Command AddTo(Command command, bool kernel = true)
    {
        UsesKernel = kernel;
        command.Options.Add(Config);
        command.Options.Add(Database);
        command.Options.Add(Output);
        if (kernel)
        {
            command.Options.Add(NoKernel);
            command.Options.Add(Netns);
        }

        return command;
    }
}
