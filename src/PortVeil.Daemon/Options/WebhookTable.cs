using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Options.Types;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options;

/// <summary>
/// One [[webhooks]] table of portveil.toml (the only array of tables PortVeil reads): url, secret, events,
/// timeout. Every problem is reported with its line and key, like any other setting.
/// </summary>
/// <example>
/// <code>
/// [[webhooks]]
/// url = "https://hooks.example.net/portveil"
/// secret = "a long random string"
/// events = ["ban", "unban"]
/// timeout = "5s"
/// </code>
/// </example>
internal static class WebhookTable
{
    public const string Name = "webhooks";

    /// <summary>The keys of a [[webhooks]] table, with what they accept and mean (docs and error messages).</summary>
    public static IReadOnlyList<(string Key, string Default, string Accepts, string Meaning)> Keys { get; } =
    [
        ("url", "(required)", "http:// or https:// URL", "Where the JSON is POSTed. Redirects are not followed."),
        ("secret", "(required)", "string of at least 16 characters", "HMAC-SHA256 key: each request carries X-PortVeil-Timestamp and X-PortVeil-Signature: sha256=HMAC(secret, \"<timestamp>.<body>\")."),
        ("events", "[\"ban\", \"unban\"]", "array of \"ban\", \"unban\", \"incident\"", "What is sent: kernel bans, early unbans, and/or every incident (verdict) with its evidence."),
        ("timeout", "\"5s\"", "duration 1ms..2m", "Limit of one attempt; a timeout is retried like a 5xx."),
    ];

    private static readonly DurationType Timeout = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(2));

    public static WebhookOptions Parse(TableArraySyntax table, Action<int, string, string> error)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(error);
        var webhook = new WebhookOptions { Line = table.Span.Start.Line + 1 };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in table.Items)
        {
            var line = kv.Span.Start.Line + 1;
            var name = kv.Key?.Key switch
            {
                BareKeySyntax bare => bare.Key?.Text,
                StringValueSyntax quoted => quoted.Value,
                _ => null,
            };
            if (name is null || kv.Value is null)
            {
                continue; // A syntax error, reported with its line by the parser.
            }

            var full = Name + "." + name;
            seen.Add(name);
            switch (name)
            {
                case "url" when kv.Value is StringValueSyntax s:
                    webhook.Url = s.Value ?? "";
                    if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        error(line, full, $"\"{webhook.Url}\" is not an absolute http:// or https:// URL");
                    }

                    break;
                case "secret" when kv.Value is StringValueSyntax s:
                    webhook.Secret = s.Value ?? "";
                    if (webhook.Secret.Length < 16)
                    {
                        error(line, full, "must be at least 16 characters; generate one with `openssl rand -hex 32`");
                    }

                    break;
                case "events":
                    var items = new List<string>();
                    if (!ListItems.TryCollect(kv.Value, items, out var listError))
                    {
                        error(line, full, listError);
                        break;
                    }

                    webhook.Events = WebhookEvents.None;
                    foreach (var item in items)
                    {
                        switch (item)
                        {
                            case "ban": webhook.Events |= WebhookEvents.Ban; break;
                            case "unban": webhook.Events |= WebhookEvents.Unban; break;
                            case "incident": webhook.Events |= WebhookEvents.Incident; break;
                            default: error(line, full, $"unknown event \"{item}\"; events are ban, unban, incident"); break;
                        }
                    }

                    if (webhook.Events == WebhookEvents.None && items.Count == 0)
                    {
                        error(line, full, "name at least one of ban, unban, incident");
                    }

                    break;
                case "timeout":
                    if (Timeout.TryParse(kv.Value, out var t, out var timeoutError))
                    {
                        webhook.Timeout = t;
                    }
                    else
                    {
                        error(line, full, timeoutError);
                    }

                    break;
                case "url" or "secret":
                    error(line, full, "expected a string");
                    break;
                default:
                    error(line, full, $"unknown key; [[{Name}]] has {string.Join(", ", Keys.Select(k => k.Key))}");
                    break;
            }
        }

        foreach (var required in (ReadOnlySpan<string>)["url", "secret"])
        {
            if (!seen.Contains(required))
            {
                error(webhook.Line, Name + "." + required, $"missing: every [[{Name}]] needs a url and a secret");
            }
        }

        return webhook;
    }
}
