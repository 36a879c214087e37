using System.Text;
using System.Text.Json;
using PortVeil.Daemon.Notifications;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Notifications;

/// <summary>Webhooks against a real HTTP server on loopback: signature, retries with backoff, a bounded queue.</summary>
public sealed class WebhookSenderTests
{
    private static NotificationOptions Options(string url, WebhookEvents events = WebhookEvents.Ban, int queue = 100) => new()
    {
        WebhookQueue = queue,
        WebhookAttempts = 4,
        // Short waits keep the test quick; the doubling is what is tested, not the default 1 s.
        WebhookBackoff = TimeSpan.FromMilliseconds(50),
        WebhookMaxBackoff = TimeSpan.FromSeconds(1),
        Webhooks = [new WebhookOptions { Url = url, Secret = WebhookReceiver.TestSecret, Events = events, Timeout = TimeSpan.FromSeconds(5) }],
    };

    [Fact]
    public async Task A_ban_reaches_the_receiver_as_signed_json_that_verifies()
    {
        using var receiver = new WebhookReceiver(200);
        var notifier = new IncidentNotifier(Options(receiver.Url));
        var ban = Some.Ban();
        var verdict = Some.Verdict();

        notifier.OnBan(ban, Guid.CreateVersion7(), verdict);

        Assert.True(receiver.WaitForRequests(1, TestTimeouts.Event), "no webhook arrived");
        await notifier.DisposeAsync();
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook/", request.Path);
        Assert.Equal("ban", request.Headers[WebhookSignature.EventHeader]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(WebhookReceiver.TestSecret, request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader],
            request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), "the signature verifies with the shared secret");
        Assert.Matches("^sha256=[0-9a-f]{64}$", request.Headers[WebhookSignature.SignatureHeader]);

        // The receiver's own check, spelled out: HMAC-SHA256(secret, "<timestamp>.<raw body>").
        var ts = request.Headers[WebhookSignature.TimestampHeader];
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookReceiver.TestSecret), (byte[])[.. Encoding.ASCII.GetBytes(ts + "."), .. request.Body]);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(mac), request.Headers[WebhookSignature.SignatureHeader]);

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("portveil.webhook.v1", root.GetProperty("schema").GetString());
        Assert.Equal("ban", root.GetProperty("event").GetString());
        Assert.Equal("203.0.113.7", root.GetProperty("ban").GetProperty("target").GetString());
        Assert.Equal(ban.Id.ToString("D"), root.GetProperty("ban").GetProperty("id").GetString());
        Assert.Equal([22, 443], root.GetProperty("incident").GetProperty("exposure").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(1, notifier.Webhooks[0].Delivered);
    }

    [Fact]
    public void A_signature_fails_for_another_body_another_secret_or_an_old_timestamp()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"ban\"}");
        var now = DateTimeOffset.UtcNow;
        var ts = now.ToUnixTimeSeconds();
        var sig = WebhookSignature.Sign(WebhookReceiver.TestSecret, ts, body);
        var tolerance = TimeSpan.FromMinutes(5);
        var stamp = ts.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(WebhookSignature.Verify(WebhookReceiver.TestSecret, stamp, sig, body, now, tolerance));
        Assert.False(WebhookSignature.Verify(WebhookReceiver.TestSecret, stamp, sig, Encoding.UTF8.GetBytes("{\"event\":\"unban\"}"), now, tolerance));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", stamp, sig, body, now, tolerance));
        Assert.False(WebhookSignature.Verify(WebhookReceiver.TestSecret, (ts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), sig, body, now, tolerance));
        Assert.False(WebhookSignature.Verify(WebhookReceiver.TestSecret, stamp, sig, body, now.AddMinutes(10), tolerance), "a replay 10 minutes later");
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_message_on_the_third_attempt_after_growing_waits()
    {
        using var receiver = new WebhookReceiver(500, 503, 200);
        var notifier = new IncidentNotifier(Options(receiver.Url));

        notifier.OnBan(Some.Ban(), Guid.CreateVersion7(), Some.Verdict());

        Assert.True(receiver.WaitForRequests(3, TestTimeouts.Event), "three attempts");
        var sender = notifier.Webhooks[0];
        Assert.True(SpinWait.SpinUntil(() => sender.Delivered == 1, TestTimeouts.Event), "delivered");
        await notifier.DisposeAsync();
        var attempts = receiver.Requests.ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.Equal(2, sender.Retries);
        Assert.Equal(0, sender.Failed);
        Assert.Single(attempts.Select(a => a.Headers[WebhookSignature.DeliveryHeader]).Distinct());
        Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
        Assert.All(attempts, a => Assert.True(WebhookSignature.Verify(WebhookReceiver.TestSecret, a.Headers[WebhookSignature.TimestampHeader],
            a.Headers[WebhookSignature.SignatureHeader], a.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));

        // Backoff: 50 ms, then 100 ms (exponential). A lower bound only; the machine may be slower, never faster.
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(45), $"first wait {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(95), $"second wait {(attempts[2].At - attempts[1].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_receiver_refusing_with_400_is_not_retried_and_the_failure_is_counted()
    {
        using var receiver = new WebhookReceiver(400);
        var notifier = new IncidentNotifier(Options(receiver.Url));

        notifier.OnBan(Some.Ban(), Guid.CreateVersion7(), Some.Verdict());

        var sender = notifier.Webhooks[0];
        Assert.True(SpinWait.SpinUntil(() => sender.Failed == 1, TestTimeouts.Event), "failure counted");
        await notifier.DisposeAsync();
        Assert.Single(receiver.Requests);
        Assert.Equal(0, sender.Retries);
    }

    [Fact]
    public async Task A_full_queue_drops_new_messages_counts_them_and_never_waits()
    {
        using var receiver = new WebhookReceiver(200);
        receiver.Hold();
        var notifier = new IncidentNotifier(Options(receiver.Url, queue: 2));
        var sender = notifier.Webhooks[0];

        notifier.OnBan(Some.Ban(), Guid.CreateVersion7(), Some.Verdict());
        Assert.True(receiver.WaitForRequests(1, TestTimeouts.Event), "the first message is in flight, held by the receiver");
        for (var i = 0; i < 5; i++)
        {
            // Two fill the queue, three are dropped; each call returns at once even though the receiver hangs.
            notifier.OnBan(Some.Ban(), Guid.CreateVersion7(), Some.Verdict());
        }

        Assert.Equal(3, sender.Dropped);
        Assert.Equal(2, sender.Queued);
        receiver.Release();
        Assert.True(SpinWait.SpinUntil(() => sender.Delivered == 3, TestTimeouts.Event), "the held and the queued messages are delivered");
        await notifier.DisposeAsync();
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_webhook_gets_only_the_events_it_subscribed_to()
    {
        using var receiver = new WebhookReceiver(200);
        var notifier = new IncidentNotifier(Options(receiver.Url, WebhookEvents.Unban | WebhookEvents.Incident));
        var ban = Some.Ban();

        notifier.OnBan(ban, Guid.CreateVersion7(), Some.Verdict());
        notifier.OnIncident(Guid.CreateVersion7(), Some.Verdict(), "lab-host", ban);
        notifier.OnUnban(ban.Id, ban.Target, "unbanned by admin", "lab-host", DateTimeOffset.UtcNow);

        Assert.True(receiver.WaitForRequests(2, TestTimeouts.Event));
        await notifier.DisposeAsync();
        Assert.Equal(["incident", "unban"], receiver.Requests.Select(r => r.Headers[WebhookSignature.EventHeader]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_in_time_is_retried_then_given_up_and_counted()
    {
        using var receiver = new WebhookReceiver(200);
        receiver.Hold();
        var options = Options(receiver.Url);
        options.WebhookAttempts = 2;
        options.Webhooks[0].Timeout = TimeSpan.FromMilliseconds(300);
        var notifier = new IncidentNotifier(options);
        var sender = notifier.Webhooks[0];

        notifier.OnBan(Some.Ban(), Guid.CreateVersion7(), Some.Verdict());

        Assert.True(SpinWait.SpinUntil(() => sender.Failed == 1, TestTimeouts.Event), "given up after two timed-out attempts");
        receiver.Release();
        await notifier.DisposeAsync();
        Assert.Equal(1, sender.Retries);
        Assert.Equal(0, sender.Delivered);
        Assert.Equal(2, receiver.Requests.Count);
    }
}
