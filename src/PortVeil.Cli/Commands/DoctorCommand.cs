using System.CommandLine;
using System.Text.Json;
using PortVeil.Enforcement.Doctor;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil doctor [--output text|json]`: what this host supports, which Docker backend is active, which other
/// firewalls are present, and what to fix. Exit 0 when everything PortVeil needs works, 1 otherwise. Never changes
/// the host's firewall: kernel features are tried in a throwaway network namespace or as a dry run.
/// </summary>
internal static class DoctorCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "text (default) or json",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("doctor", "Check kernel features, Docker's firewall backend and other firewalls; say what to fix.");
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var report = HostCapabilities.Inspect();
            if (parse.GetValue(output) == "json")
            {
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    healthy = report.Healthy,
                    checks = report.Checks.Select(c => new
                    {
                        id = c.Id,
                        title = c.Title,
                        status = c.Status.ToString().ToUpperInvariant(),
                        detail = c.Detail,
                        fix = c.Fix,
                        required = c.Required,
                    }),
                }, Json));
            }
            else
            {
                foreach (var c in report.Checks)
                {
                    var mark = c.Status switch
                    {
                        CheckStatus.Ok => " ok ",
                        CheckStatus.Warning => "warn",
                        CheckStatus.Failed => "FAIL",
                        _ => "info",
                    };
                    writer.WriteLine($"[{mark}] {c.Title}: {c.Detail}");
                    if (c.Fix is not null && c.Status is CheckStatus.Failed or CheckStatus.Warning)
                    {
                        writer.WriteLine($"       fix: {c.Fix}");
                    }
                }

                writer.WriteLine(report.Healthy
                    ? "Everything PortVeil needs works on this host."
                    : "PortVeil cannot protect this host until the FAIL lines above are fixed.");
            }

            return report.Healthy ? 0 : 1;
        });
        return command;
    }
}
