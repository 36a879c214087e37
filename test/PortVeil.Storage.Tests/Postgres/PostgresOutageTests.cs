using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>The batched writer over PostgreSQL when the server goes away and comes back (the cluster is stopped for real).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly PostgresTestDatabase _db = cluster.NewDatabase();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Writes_are_buffered_with_a_clear_error_while_the_server_is_down_and_land_when_it_is_back()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store, new EventWriterOptions
        {
            BatchSize = 200,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        });
        var before = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));
        writer.TryWriteBan(before);
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        cluster.Cluster.StopServer();
        BanRecord during;
        try
        {
            during = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1));
            Assert.True(writer.TryWriteBan(during));
            Assert.True(writer.TryWriteIncident(Some.Incident(Some.Address(2), Some.T0, during.Id)));
            for (var i = 0; i < 300; i++)
            {
                Assert.True(writer.TryWriteEvent(Some.Event(NetAddress.FromV4(0xC000_0200u + (uint)(i % 100)), Some.T0.AddMinutes(i / 100))));
            }

            await Eventually.TrueAsync(() => writer.Stats.Retries >= 2, "the writer to fail and retry");
            Assert.False(writer.Stats.Healthy);
            Assert.Contains("Cannot reach the PostgreSQL server of 'postgresql://postgres@127.0.0.1:", writer.Stats.LastError, StringComparison.Ordinal);
            Assert.Equal(302, writer.Stats.PriorityQueueDepth + writer.Stats.EventQueueDepth + writer.Stats.InFlight);
        }
        finally
        {
            cluster.Cluster.StartServer();
        }

        for (var deadline = DateTime.UtcNow.AddSeconds(30); writer.Stats.Written < 303 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }

        Assert.True(writer.Stats.Written >= 303, $"written {writer.Stats.Written}, last error: {writer.Stats.LastError}");
        Assert.True(writer.Stats.Healthy, writer.Stats.LastError);

        Assert.True(writer.Stats.Healthy);
        Assert.Equal([before.Id, during.Id], (await store.ListActiveBansAsync(Some.T0)).Select(b => b.Ban.Id));
        Assert.Single(await store.ListIncidentsByBanAsync(during.Id));
        Assert.Equal(300, (await store.ListEventsAsync(Some.T0, Some.T0.AddHours(1))).Count);
    }
}
