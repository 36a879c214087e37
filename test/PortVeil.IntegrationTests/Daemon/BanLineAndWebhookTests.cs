using System.Text.Json;
using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon;
using PortVeil.Daemon.Logging;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.IntegrationTests.Enforcement;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Samples;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Bans made through the daemon's own ban path (policy → real nftables in a namespace → storage → notifications):
/// the journal line a fail2ban failregex matches, and the signed webhook a real HTTP server on loopback receives.
/// </summary>
public sealed class BanLineAndWebhookTests
{
    [Fact]
    public async Task A_kernel_ban_logs_a_fail2ban_matchable_line_and_posts_a_signed_webhook_for_ipv4_and_ipv6()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        using var journal = new JournalCapture();
        using var receiver = new WebhookReceiver(200);
        using var logging = LoggerFactory.Create(b => DaemonHost.ConfigureLogging(b, LogLevel.Information, DaemonLogFormat.Journal, journal.SocketPath));
        var directory = Path.Combine(Path.GetTempPath(), $"pv-banline-{Guid.NewGuid():N}");
        try
        {
            using var store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(directory, "portveil.db") });
            await using var writer = new EventWriter(store);
            await using var notifier = new IncidentNotifier(new NotificationOptions
            {
                IncidentLog = Path.Combine(directory, "incidents.jsonl"),
                Webhooks = [new WebhookOptions { Url = receiver.Url, Secret = WebhookReceiver.TestSecret, Events = WebhookEvents.Ban }],
            });
            var policy = new BanPolicy(new PolicyOptions(), AllowlistIndex.ReservedOnly, new InMemoryOffenceHistory());
            var stage = new BanStage(policy, enforcer, writer, "lab-server", logging.CreateLogger<PortVeilDaemon>(), notifier);
            var failregex = Fail2banRegex.Expand(@"^\[portveil\] Ban <HOST>");
            string[] scanners = [ServerAndScanner.ScannerV4, ServerAndScanner.ScannerV6];

            foreach (var scanner in scanners)
            {
                stage.Handle(Some.Verdict(scanner));

                var fields = journal.WaitFor(f => f.GetValueOrDefault("PORTVEIL_TARGET") == scanner, TestTimeouts.Event);
                Assert.NotNull(fields);
                Assert.Equal("1100", fields["PORTVEIL_EVENT_ID"]);
                var match = failregex.Match(fields["MESSAGE"]);
                Assert.True(match.Success, fields["MESSAGE"]);
                Assert.Equal(scanner, Fail2banRegex.HostOf(match));
            }

            // The lines stand for real kernel bans: both addresses are in the set, and the v4 scanner is cut off.
            var kernel = (await enforcer.ListAsync()).Select(b => b.Source.ToString()).ToHashSet(StringComparer.Ordinal);
            Assert.Contains(ServerAndScanner.ScannerV4, kernel);
            Assert.Contains(ServerAndScanner.ScannerV6, kernel);
            Assert.False(net.Ping(ServerAndScanner.ServerV4), "the banned scanner's ping is dropped");

            Assert.True(receiver.WaitForRequests(2, TestTimeouts.Event), "two ban webhooks");
            var targets = new List<string>();
            foreach (var request in receiver.Requests)
            {
                Assert.True(WebhookSignature.Verify(WebhookReceiver.TestSecret, request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader],
                    request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), "signature");
                using var json = JsonDocument.Parse(request.Body);
                Assert.Equal("ban", json.RootElement.GetProperty("event").GetString());
                targets.Add(json.RootElement.GetProperty("ban").GetProperty("target").GetString()!);
                Assert.Equal([22, 443], json.RootElement.GetProperty("incident").GetProperty("exposure").EnumerateArray().Select(p => p.GetInt32()));
            }

            Assert.Equal(scanners.Order(StringComparer.Ordinal), targets.Order(StringComparer.Ordinal));
            await notifier.DisposeAsync();
            Assert.Equal(2, File.ReadAllLines(Path.Combine(directory, "incidents.jsonl")).Length);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
