using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Pipeline;
using PortVeil.Daemon.Tests.Operations;
using PortVeil.Enforcement.Allowlist;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Notifications;

/// <summary>A ban lifted by hand (CLI or API: both end the stored ban) reaches the unban webhook once, via the daemon's sync loop.</summary>
public sealed class UnbanWebhookTests
{
    [Fact]
    public async Task A_ban_lifted_from_the_CLI_sends_one_signed_unban_webhook_from_the_running_daemon()
    {
        using var f = new OperatorFixture();
        using var receiver = new WebhookReceiver(200);
        await using var notifier = new IncidentNotifier(new NotificationOptions
        {
            Webhooks = [new WebhookOptions { Url = receiver.Url, Secret = WebhookReceiver.TestSecret, Events = WebhookEvents.Unban, Timeout = TimeSpan.FromSeconds(5) }],
        });
        var sync = new OperatorSyncLoop(f.DaemonStore, f.DaemonStore, f.DaemonAllowlist, pusher: null, f.Policy, enforcer: null,
            NullLogger.Instance, notifier: notifier);
        var ban = await f.Cli.BanAsync(NetPrefix.Parse("203.0.113.9"), TimeSpan.FromHours(1), "", default);

        await f.Cli.UnbanAsync(NetPrefix.Parse("203.0.113.9"), default);
        await sync.SyncOnceAsync(default);
        await sync.SyncOnceAsync(default);

        Assert.True(receiver.WaitForRequests(1, TestTimeouts.Event), "no unban webhook arrived");
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("unban", request.Headers[WebhookSignature.EventHeader]);
        Assert.True(WebhookSignature.Verify(WebhookReceiver.TestSecret, request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader],
            request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var json = JsonDocument.Parse(request.Body);
        var b = json.RootElement.GetProperty("ban");
        Assert.Equal(ban.BanId!.Value.ToString("D"), b.GetProperty("id").GetString());
        Assert.Equal("203.0.113.9", b.GetProperty("target").GetString());
        Assert.Equal("unbanned", b.GetProperty("reason").GetString());
    }
}
