using System.CommandLine;

namespace PortVeil.Cli.Commands;

/// <summary>Every top-level command, one file each under Commands/. Add new commands here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return RunCommand.Create();
        yield return AnalyzeCommand.Create();
        yield return VersionCommand.Create();
        yield return DoctorCommand.Create();
        yield return ConfigCommand.Create();
        yield return UninstallCommand.Create();
        yield return DemoCommand.Create();
        yield return ReportCommand.Create();
        yield return ExportCommand.Create();
        yield return BansCommand.Create();
        yield return AllowCommand.Create();
        yield return IncidentsCommand.Create();
        yield return ExplainCommand.Create();
        yield return CompletionCommand.Create();
    }
}
