using System.Net.Sockets;
using System.Threading.Channels;
using Npgsql;

namespace PortVeil.Storage.Postgres;

/// <summary>
/// Holds one dedicated connection that LISTENs on <see cref="PostgresStore.BanChannel"/> and turns each NOTIFY into a
/// <see cref="BanSignal"/>. When the connection drops it reconnects (0.2 s, doubling up to 5 s) and, once listening
/// again, emits <see cref="BanSignal.CatchUp"/> so the reader reads the bans started while it was away.
/// </summary>
public sealed class PostgresBanListener
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    // 4096 signals: far more than a fleet bans in a second. A full channel drops the signal; the reader's periodic
    // catch-up reads the row anyway, so memory stays bounded and nothing is lost for good.
    private readonly Channel<BanSignal> _signals = Channel.CreateBounded<BanSignal>(new BoundedChannelOptions(4096)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly string _connectionString;
    private long _connects;
    private long _dropped;
    private volatile bool _listening;
    private volatile string? _lastError;

    public PostgresBanListener(PostgresStore store, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(store);
        _connectionString = new NpgsqlConnectionStringBuilder(store.ConnectionString)
        {
            // Its own physical connection: a pooled one would be handed back and LISTEN lost with it.
            Pooling = false,
            ApplicationName = applicationName,

            // A peer that vanished without a FIN (cable, crash) is noticed within ~10 s instead of hours.
            KeepAlive = 5,
            TcpKeepAlive = true,
        }.ConnectionString;
    }

    public ChannelReader<BanSignal> Signals => _signals.Reader;

    /// <summary>True while connected and listening.</summary>
    public bool Listening => _listening;

    /// <summary>Successful connections (1 at start, +1 per reconnect).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Signals dropped because the reader fell 4096 behind (the periodic catch-up covers them).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public string? LastError => _lastError;

    /// <summary>Listens until cancelled, reconnecting as needed. Never throws but for cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) =>
                {
                    var ended = e.Payload.StartsWith(PostgresStore.EndedPrefix, StringComparison.Ordinal);
                    if (Guid.TryParse(ended ? e.Payload.AsSpan(PostgresStore.EndedPrefix.Length) : e.Payload.AsSpan(), out var id)
                        && !_signals.Writer.TryWrite(new BanSignal(id, ended)))
                    {
                        Interlocked.Increment(ref _dropped);
                    }
                };
                await connection.OpenAsync(cancellationToken);
                await using (var listen = new NpgsqlCommand("LISTEN " + PostgresStore.BanChannel, connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                // After LISTEN, so a ban committed between the drop and now is either announced or caught up.
                _listening = true;
                Interlocked.Increment(ref _connects);
                _lastError = null;
                retry = FirstRetry;
                _signals.Writer.TryWrite(BanSignal.CatchUp);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or SocketException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                _listening = false;
                _lastError = e.Message;
            }

            try
            {
                await Task.Delay(retry, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }

        _listening = false;
    }
}
