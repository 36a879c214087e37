using Microsoft.Data.Sqlite;
using PortVeil.Core;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string EventColumns = "source, bucket_ms, protocol, tag, packets, distinct_ports, first_ms, last_ms, origin_host, ports";

    // Upsert-add: a bucket flushed in two parts (a batch boundary inside a minute) ends up as one row.
    private const string UpsertEventSql =
        "INSERT INTO event_minutes (source, bucket_ms, protocol, tag, packets, distinct_ports, first_ms, last_ms, origin_host, ports) " +
        "VALUES (@source, @bucket, @protocol, @tag, @packets, @ports, @first, @last, @host, @sample) " +
        "ON CONFLICT (source, bucket_ms, protocol, tag, origin_host) DO UPDATE SET " +
        "packets = event_minutes.packets + excluded.packets, " +
        "distinct_ports = max(event_minutes.distinct_ports, excluded.distinct_ports), " +
        "first_ms = min(event_minutes.first_ms, excluded.first_ms), " +
        "last_ms = max(event_minutes.last_ms, excluded.last_ms), " +
        "ports = CASE WHEN excluded.ports = '' OR length(event_minutes.ports) >= 48 THEN event_minutes.ports " +
        "WHEN event_minutes.ports = '' THEN excluded.ports ELSE event_minutes.ports || ',' || excluded.ports END";

    public Task AddEventsAsync(IReadOnlyList<EventAggregate> aggregates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(aggregates);
        if (aggregates.Count == 0)
        {
            return Task.CompletedTask;
        }

        Run(c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            WriteEvents(c, tx, aggregates);
            tx.Commit();
            return 0;
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EventAggregate>> ListEventsAsync(DateTimeOffset since, DateTimeOffset until, NetAddress? source = null, int limit = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var list = Run(c =>
        {
            using var cmd = Command(
                c,
                null,
                source is null
                    ? $"SELECT {EventColumns} FROM event_minutes WHERE bucket_ms >= @from AND bucket_ms < @to ORDER BY bucket_ms, source, protocol, tag LIMIT @limit"
                    : $"SELECT {EventColumns} FROM event_minutes WHERE bucket_ms >= @from AND bucket_ms < @to AND source = @source ORDER BY bucket_ms, protocol, tag LIMIT @limit");
            cmd.Parameters.AddWithValue("@from", since.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@to", until.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@limit", limit);
            if (source is { } s)
            {
                cmd.Parameters.AddWithValue("@source", s.ToString());
            }

            var rows = new List<EventAggregate>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(StoredRows.Event(r));
            }

            return rows;
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<EventAggregate>>(list);
    }

    private static void WriteEvents(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<EventAggregate> aggregates)
    {
        if (aggregates.Count == 0)
        {
            return;
        }

        using var cmd = Command(c, tx, UpsertEventSql);
        var source = cmd.Parameters.Add("@source", SqliteType.Text);
        var bucket = cmd.Parameters.Add("@bucket", SqliteType.Integer);
        var protocol = cmd.Parameters.Add("@protocol", SqliteType.Integer);
        var tag = cmd.Parameters.Add("@tag", SqliteType.Integer);
        var packets = cmd.Parameters.Add("@packets", SqliteType.Integer);
        var ports = cmd.Parameters.Add("@ports", SqliteType.Integer);
        var first = cmd.Parameters.Add("@first", SqliteType.Integer);
        var last = cmd.Parameters.Add("@last", SqliteType.Integer);
        var host = cmd.Parameters.Add("@host", SqliteType.Text);
        var sample = cmd.Parameters.Add("@sample", SqliteType.Text);
        cmd.Prepare();
        for (var i = 0; i < aggregates.Count; i++)
        {
            var a = aggregates[i];
            source.Value = a.Source.ToString();
            bucket.Value = a.BucketStartMs;
            protocol.Value = (int)a.Protocol;
            tag.Value = (int)a.Tag;
            packets.Value = a.Packets;
            ports.Value = a.DistinctPorts;
            first.Value = a.FirstSeenMs;
            last.Value = a.LastSeenMs;
            host.Value = a.OriginHost ?? string.Empty;
            sample.Value = a.Ports ?? string.Empty;
            cmd.ExecuteNonQuery();
        }
    }
}
