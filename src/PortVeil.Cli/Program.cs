using System.CommandLine;
using PortVeil.Cli.Commands;

namespace PortVeil.Cli;

public static class Program
{
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

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
