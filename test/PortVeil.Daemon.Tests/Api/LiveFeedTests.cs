using PortVeil.Daemon.Api;

namespace PortVeil.Daemon.Tests.Api;

public class LiveFeedTests
{
    private sealed record Tick(int N);

    [Fact]
    public void A_client_that_never_reads_keeps_the_newest_256_messages_and_never_blocks_the_publisher()
    {
        var feed = new LiveFeed();
        var slow = feed.Subscribe()!;
        for (var i = 0; i < 300; i++)
        {
            feed.Publish("incident", new Tick(i));
        }

        var kept = new List<string>();
        while (slow.TryRead(out var m))
        {
            kept.Add(m.Json);
        }

        Assert.Equal(256, kept.Count);
        Assert.Equal("{\"n\":44}", kept[0]);
        Assert.Equal("{\"n\":299}", kept[^1]);
    }

    [Fact]
    public void Every_client_gets_every_message_and_an_unsubscribed_one_stops_getting_them()
    {
        var feed = new LiveFeed();
        var a = feed.Subscribe()!;
        var b = feed.Subscribe()!;
        feed.Publish("ban", new Tick(1));
        feed.Unsubscribe(b);
        feed.Publish("ban", new Tick(2));

        Assert.True(a.TryRead(out var a1));
        Assert.True(a.TryRead(out var a2));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], new[] { a1.Json, a2.Json });
        Assert.True(b.TryRead(out var b1));
        Assert.Equal("{\"n\":1}", b1.Json);
        Assert.False(b.TryRead(out _));
        Assert.True(b.Completion.IsCompleted);
        Assert.Equal(1, feed.Clients);
    }

    [Fact]
    public void Subscribers_beyond_the_limit_are_refused()
    {
        var feed = new LiveFeed(maxClients: 2);
        Assert.NotNull(feed.Subscribe());
        Assert.NotNull(feed.Subscribe());
        Assert.Null(feed.Subscribe());
    }
}
