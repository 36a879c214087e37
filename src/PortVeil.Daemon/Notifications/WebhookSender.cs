using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon.Notifications;

/// <summary>
/// Delivers one webhook's messages: a bounded queue filled without ever waiting (a full queue drops the new
/// message and counts it), drained by one worker that POSTs each message, signed, and retries failures with
/// exponential backoff. The ban path only ever calls <see cref="TryEnqueue"/>.
/// </summary>
/// <remarks>
/// Retried: network errors, timeouts, 408, 425, 429 and 5xx. Not retried: other 4xx (the receiver refuses the
/// message; sending it again cannot help). Each attempt is signed afresh with the current timestamp, so a
/// receiver's replay window also works for late retries.
/// </remarks>
public sealed class WebhookSender : IAsyncDisposable
{
    /// <summary>How long stopping the daemon waits for queued messages before giving them up.</summary>
    public static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(2);

    private readonly WebhookOptions _webhook;
    private readonly NotificationOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly Channel<WebhookMessage> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _delivered;
    private long _failed;
    private long _dropped;
    private long _retries;
    private int _disposed;

    public WebhookSender(WebhookOptions webhook, NotificationOptions options, ILogger? logger = null, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(options);
        _webhook = webhook;
        _options = options;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            // A redirect could point the signed body anywhere; receivers must give the final URL.
            AllowAutoRedirect = false,
            ConnectTimeout = webhook.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PortVeil", "1"));
        _queue = Channel.CreateBounded<WebhookMessage>(new BoundedChannelOptions(options.WebhookQueue)
        {
            FullMode = BoundedChannelFullMode.Wait, // with Wait, TryWrite returns false when full: we drop and count.
            SingleReader = true,
            SingleWriter = false,
        });
        _worker = Task.Run(RunAsync);
    }

    public string Url => _webhook.Url;

    public WebhookEvents Events => _webhook.Events;

    /// <summary>Messages the receiver accepted (2xx).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Messages given up after the last attempt or refused with a 4xx.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Messages not queued because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Attempts after the first, over all messages.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Messages waiting now.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Queues a message without waiting; false (and counted in <see cref="Dropped"/>) when the queue is full.</summary>
    public bool TryEnqueue(string eventName, byte[] body)
    {
        if (_queue.Writer.TryWrite(new WebhookMessage(eventName, Guid.CreateVersion7(), body)))
        {
            return true;
        }

        if (Interlocked.Increment(ref _dropped) == 1)
        {
            LogMessages.WebhookQueueFull(_logger, _webhook.Url, _options.WebhookQueue);
        }

        return false;
    }

    private async Task RunAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                while (_queue.Reader.TryRead(out var message))
                {
                    await DeliverAsync(message, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task DeliverAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var delay = _options.WebhookBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var (ok, retry, what) = await AttemptAsync(message, cancellationToken);
            if (ok)
            {
                Interlocked.Increment(ref _delivered);
                return;
            }

            if (!retry || attempt >= _options.WebhookAttempts)
            {
                Interlocked.Increment(ref _failed);
                LogMessages.WebhookFailed(_logger, _webhook.Url, message.Event, attempt, what);
                return;
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(delay, _time, cancellationToken);
            delay = delay * 2 > _options.WebhookMaxBackoff ? _options.WebhookMaxBackoff : delay * 2;
        }
    }

    private async Task<(bool Ok, bool Retry, string What)> AttemptAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_webhook.Timeout);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook.Url)
        {
            Content = new ByteArrayContent(message.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_webhook.Secret, timestamp, message.Body));
        request.Headers.Add(WebhookSignature.EventHeader, message.Event);
        request.Headers.Add(WebhookSignature.DeliveryHeader, message.DeliveryId.ToString("D"));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return (true, false, "");
            }

            var retry = code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || code == 425;
            return (false, retry, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"no answer within {_webhook.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (false, true, e.Message);
        }
    }

    /// <summary>Stops after delivering what is queued (up to <see cref="DrainOnStop"/>); calling it twice is harmless.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await Task.WhenAny(_worker, Task.Delay(DrainOnStop, _time));
        await _stop.CancelAsync();
        await _worker;
        _http.Dispose();
        _stop.Dispose();
    }
}
