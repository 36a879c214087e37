using System.CommandLine;
using PortVeil.Cli.Commands;

namespace PortVeil.Cli;

public static class Program
{
    /// <summary>
    /// How long an action may take to finish after Ctrl+C or SIGTERM before the process exits anyway. System.CommandLine's
    /// default of 2 s cut `demo` off while it was deleting its namespaces and `run` while flushing its last writes;
    /// both need a few seconds on a busy 2-core host. systemd's own stop timeout (30 s in the unit) stays the outer bound.
    /// </summary>
    public static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(20);

    public static int Main(string[] args) =>
        BuildRoot().Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = TerminationGrace });

    /// <summary>The whole command tree; tests parse against it with their own output writers.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("PortVeil: detect and block port scans; explain every decision.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
