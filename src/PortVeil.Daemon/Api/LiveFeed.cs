using System.Text.Json;
using System.Threading.Channels;

namespace PortVeil.Daemon.Api;

/// <summary>
/// Fans daemon happenings (bans, unbans, incidents) out to live dashboard connections. Publishing never blocks:
/// each client has a bounded buffer of 256 messages and loses its oldest when it falls behind (a slow browser
/// tab must not slow the ban loop), and the number of clients is capped.
/// </summary>
public sealed class LiveFeed
{
    private const int ClientBuffer = 256;

    private readonly Lock _gate = new();
    private readonly List<Channel<LiveMessage>> _clients = [];
    private readonly int _maxClients;
    private long _published;
    private volatile int _count;

    public LiveFeed(int maxClients = ApiOptionsDefaults.MaxLiveClients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClients, 1);
        _maxClients = maxClients;
    }

    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    public long Published => Interlocked.Read(ref _published);

    public void Publish<T>(string type, T data)
    {
        if (_count == 0)
        {
            // Nobody watching (the usual case): no JSON is built on the ban loop.
            return;
        }

        var message = new LiveMessage(type, JsonSerializer.Serialize(data, ApiJson.Options));
        Interlocked.Increment(ref _published);
        lock (_gate)
        {
            foreach (var c in _clients)
            {
                c.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>A new client's reader, or null when <see cref="ApiOptions.MaxLiveClients"/> are connected.</summary>
    public ChannelReader<LiveMessage>? Subscribe()
    {
        var channel = Channel.CreateBounded<LiveMessage>(new BoundedChannelOptions(ClientBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_gate)
        {
            if (_clients.Count >= _maxClients)
            {
                return null;
            }

            _clients.Add(channel);
            _count = _clients.Count;
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<LiveMessage> reader)
    {
        lock (_gate)
        {
            for (var i = 0; i < _clients.Count; i++)
            {
                if (ReferenceEquals(_clients[i].Reader, reader))
                {
                    _clients[i].Writer.TryComplete();
                    _clients.RemoveAt(i);
                    _count = _clients.Count;
                    return;
                }
            }
        }
    }
}
