using System.CommandLine;
using System.Text.Json;
using PortVeil.Cli.Install;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil uninstall [--purge] [--root DIR] [--prefix DIR] [--output text|json]`: stops and disables the service
/// (when systemd runs this host), deletes PortVeil's own nftables table `inet portveil` (never another), removes
/// the unit, the /usr/local/bin/portveil link and the program. /etc/portveil and /var/lib/portveil stay unless
/// --purge. Exit 0 when every step succeeded, 1 otherwise.
/// </summary>
internal static class UninstallCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var purge = new Option<bool>("--purge") { Description = "also delete /etc/portveil (configuration, API token) and /var/lib/portveil (database)" };
        var root = new Option<string>("--root")
        {
            Description = "the installation's root directory (scripts/install.sh's DESTDIR); systemctl is used only for /",
            DefaultValueFactory = _ => "/",
        };
        var prefix = new Option<string>("--prefix") { Description = "install.sh's PREFIX", DefaultValueFactory = _ => "/usr/local" };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("uninstall", "Stop the service, delete PortVeil's nftables table, remove the unit and the program (keeps config and database unless --purge).");
        command.Options.Add(purge);
        command.Options.Add(root);
        command.Options.Add(prefix);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            InstallLayout layout;
            try
            {
                layout = new InstallLayout(parse.GetValue(root)!, parse.GetValue(prefix)!);
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"portveil uninstall: {e.Message}");
                return 2;
            }

            var systemd = layout.IsHostRoot && Uninstaller.SystemdIsRunning();
            var steps = new Uninstaller(layout, parse.GetValue(purge), systemd).Run();
            var failed = steps.Any(s => s.Failed);
            if (parse.GetValue(output) == "json")
            {
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    root = layout.Root,
                    ok = !failed,
                    steps = steps.Select(s => new { step = s.Name, outcome = s.Outcome, detail = s.Detail }),
                }, Json));
            }
            else
            {
                foreach (var s in steps)
                {
                    writer.WriteLine($"{s.Outcome,-8} {s.Name,-8} {s.Detail}");
                }

                writer.WriteLine(failed
                    ? "PortVeil was not removed completely: see the failed lines above."
                    : "PortVeil is uninstalled.");
            }

            return failed ? 1 : 0;
        });
        return command;
    }
}
