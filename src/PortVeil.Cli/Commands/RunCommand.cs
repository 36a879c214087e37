using System.CommandLine;
using Microsoft.Extensions.Hosting;
using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil run`: protect this host until stopped (the daemon; systemd runs it with Type=notify). Stopping leaves
/// kernel bans in place; they expire by their own timeouts.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "record what would be banned, ban nothing" };
        var database = new Option<string>("--database") { Description = $"SQLite database (default {SqliteStoreOptionsDefaults.Path})" };
        var command = new Command("run", "Protect this host: watch connection attempts, ban scanners in nftables, explain every ban.");
        command.Options.Add(dryRun);
        command.Options.Add(database);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stages = new DaemonStages
            {
                Policy = new PolicyOptions { DryRun = parse.GetValue(dryRun) },
                Storage = new SqliteStoreOptions { Path = parse.GetValue(database) ?? SqliteStoreOptionsDefaults.Path },
            };
            try
            {
                using var host = DaemonHost.Build(stages);
                await host.RunAsync(cancellationToken);
                return 0;
            }
            catch (StorageException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"portveil: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
