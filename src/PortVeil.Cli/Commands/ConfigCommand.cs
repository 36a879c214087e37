using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Options;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil config show|check|default`: the effective settings (optionally with where each came from), every
/// error in a file with its line and key, and a complete commented portveil.toml with every default.
/// </summary>
internal static class ConfigCommand
{
    private const string Redacted = "(redacted)";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("config", "Show, check or print PortVeil's configuration (" + ConfigLoader.DefaultPath + ").");
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Default());
        return command;
    }

    private static Option<string> ConfigOption() => new("--config", "-c")
    {
        Description = "The configuration file",
        DefaultValueFactory = _ => ConfigLoader.DefaultPath,
    };

    private static Command Show()
    {
        var config = ConfigOption();
        var sources = new Option<bool>("--sources") { Description = "Say where each value came from: default or file:line" };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("show", "Print every key with its effective value; secrets are redacted.");
        command.Options.Add(config);
        command.Options.Add(sources);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var result = ConfigLoader.Load(parse.GetValue(config)!);
            var withSources = parse.GetValue(sources);
            if (parse.GetValue(output) == "json")
            {
                var keys = new JsonArray();
                foreach (var key in ConfigCatalog.Keys)
                {
                    var value = key.Get(result.Config);
                    var node = new JsonObject
                    {
                        ["key"] = key.FullName,
                        ["value"] = key.Secret ? Redacted : key.Type.ToJson(value),
                    };
                    if (withSources)
                    {
                        node["source"] = result.SourceOf(key.FullName);
                    }

                    keys.Add(node);
                }

                var document = new JsonObject
                {
                    ["file"] = result.Path,
                    ["file_found"] = result.FileFound,
                    ["keys"] = keys,
                    ["webhooks"] = new JsonArray([.. result.Config.Notifications.Webhooks.Select(w => (JsonNode?)new JsonObject
                    {
                        ["url"] = w.Url,
                        ["secret"] = Redacted,
                        ["events"] = new JsonArray([.. EventNames(w.Events).Select(e => (JsonNode?)e)]),
                        ["timeout"] = w.Timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                    })]),
                    ["errors"] = new JsonArray([.. result.Errors.Select(e => (JsonNode?)new JsonObject
                    {
                        ["file"] = e.File,
                        ["line"] = e.Line,
                        ["key"] = e.Key,
                        ["message"] = e.Message,
                    })]),
                };
                writer.WriteLine(document.ToJsonString(Json));
            }
            else
            {
                writer.WriteLine(result.FileFound ? $"# {result.Path}" : $"# {result.Path} does not exist: every value is a default");
                foreach (var section in ConfigCatalog.Sections)
                {
                    writer.WriteLine();
                    writer.WriteLine($"[{section.Name}]");
                    foreach (var key in section.Keys)
                    {
                        var shown = key.Secret ? $"\"{Redacted}\"" : key.Type.ToToml(key.Get(result.Config));
                        writer.WriteLine(withSources ? $"{key.Name} = {shown}  # {result.SourceOf(key.FullName)}" : $"{key.Name} = {shown}");
                    }
                }

                foreach (var w in result.Config.Notifications.Webhooks)
                {
                    writer.WriteLine();
                    writer.WriteLine("[[webhooks]]");
                    writer.WriteLine($"url = \"{w.Url}\"");
                    writer.WriteLine($"secret = \"{Redacted}\"");
                    writer.WriteLine($"events = [{string.Join(", ", EventNames(w.Events).Select(e => $"\"{e}\""))}]");
                    writer.WriteLine($"timeout = \"{w.Timeout.TotalMilliseconds}ms\"");
                }

                WriteErrors(parse.InvocationConfiguration.Error, result);
            }

            return result.IsValid ? 0 : 1;
        });
        return command;
    }

    private static Command Check()
    {
        var config = ConfigOption();
        var command = new Command("check", "Report every error in the configuration file (file:line: key: message). Exit 0 clean, 1 with errors.");
        command.Options.Add(config);
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var result = ConfigLoader.Load(parse.GetValue(config)!);
            foreach (var error in result.Errors)
            {
                writer.WriteLine(error.ToString());
            }

            writer.WriteLine(result.IsValid
                ? result.FileFound ? $"{result.Path}: OK" : $"{result.Path} does not exist: PortVeil runs on the defaults"
                : $"{result.Path}: {result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}");
            return result.IsValid ? 0 : 1;
        });
        return command;
    }

    private static Command Default()
    {
        var command = new Command("default", "Print a complete portveil.toml with every key, its default and its meaning.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ConfigDocs.ExampleToml());
            return 0;
        });
        return command;
    }

    private static IEnumerable<string> EventNames(WebhookEvents events)
    {
        if ((events & WebhookEvents.Ban) != 0)
        {
            yield return "ban";
        }

        if ((events & WebhookEvents.Unban) != 0)
        {
            yield return "unban";
        }

        if ((events & WebhookEvents.Incident) != 0)
        {
            yield return "incident";
        }
    }

    private static void WriteErrors(TextWriter error, ConfigLoadResult result)
    {
        foreach (var e in result.Errors)
        {
            error.WriteLine(e.ToString());
        }
    }
}
