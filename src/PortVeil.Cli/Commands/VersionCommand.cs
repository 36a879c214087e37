using System.CommandLine;
using System.Reflection;

namespace PortVeil.Cli.Commands;

/// <summary>`portveil version`: the build's version, for bug reports.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print PortVeil's version.");
        command.SetAction(parse =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parse.InvocationConfiguration.Output.WriteLine($"portveil {version}");
            return 0;
        });
        return command;
    }
}
