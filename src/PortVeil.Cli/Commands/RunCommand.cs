using System.CommandLine;
using Microsoft.Extensions.Hosting;
using PortVeil.Cli.Operator;
using PortVeil.Daemon;
using PortVeil.Daemon.Options;
using PortVeil.Daemon.Pipeline;
using PortVeil.Storage;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil run`: protect this host until stopped (the daemon; systemd runs it with Type=notify). A broken
/// configuration stops startup with every problem listed. Stopping leaves kernel bans in place; they expire by
/// their own timeouts.
/// </summary>
internal static class RunCommand
{
    public const int ExitConfigError = 78; // EX_CONFIG: systemd shows it as a configuration error, not a crash.

    public static Command Create()
    {
        var config = new Option<string>("--config", "-c") { Description = $"configuration file (default {ConfigLoader.DefaultPath}; missing means all defaults)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "record what would be banned, ban nothing (overrides the file)" };
        var database = new Option<string>("--database") { Description = "a SQLite database file to use instead of the configured database, whatever storage.backend says (refused with fleet.enabled = true)" };
        var command = new Command("run", "Protect this host: watch connection attempts, ban scanners in nftables, explain every ban.");
        command.Options.Add(config);
        command.Options.Add(dryRun);
        command.Options.Add(database);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var loaded = ConfigLoader.Load(parse.GetValue(config) ?? ConfigLoader.DefaultPath);
            if (!loaded.IsValid)
            {
                await stderr.WriteLineAsync($"portveil: {loaded.Errors.Count} problem(s) in the configuration; not starting:");
                foreach (var e in loaded.Errors)
                {
                    await stderr.WriteLineAsync($"  {e}");
                }

                return ExitConfigError;
            }

            if (parse.GetValue(database) is { } path)
            {
                if (CliStore.FleetConflict(loaded.Config, loaded.Path) is { } conflict)
                {
                    await stderr.WriteLineAsync($"portveil: {conflict}");
                    return ExitConfigError;
                }

                CliStore.UseSqliteFile(loaded.Config, path);
            }

            var stages = DaemonStages.From(loaded.Config, parse.GetValue(dryRun));
            try
            {
                using var host = DaemonHost.Build(stages, loaded.Config.Daemon.LogLevel, loaded.Config.Daemon.LogFormat);
                await host.RunAsync(cancellationToken);
                return 0;
            }
            catch (StorageException e)
            {
                await stderr.WriteLineAsync($"portveil: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
