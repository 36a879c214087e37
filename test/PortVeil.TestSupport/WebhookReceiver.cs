using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport;

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records every webhook request and answers with scripted
/// status codes: [500, 500, 200] fails twice, then accepts. With <see cref="Hold"/> set it keeps requests waiting
/// until <see cref="Release"/>, to fill a sender's queue.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    /// <summary>The signing secret tests give the webhooks they point at a receiver (32 characters, as a real one).</summary>
    public const string TestSecret = "0123456789abcdef-test-secret-0123";

    private readonly HttpListener _listener = new();
    private readonly Queue<int> _script;
    private readonly int _after;
    private readonly ManualResetEventSlim _released = new(true);
    private readonly Task _loop;

    public WebhookReceiver(params int[] statuses)
    {
        _script = new Queue<int>(statuses);
        _after = statuses.Length > 0 ? statuses[^1] : 200;
        // Pick a free loopback port, then listen on it (the race with another process is harmless in a test).
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Url = $"http://127.0.0.1:{Port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public void Hold() => _released.Reset();

    public void Release() => _released.Set();

    public bool WaitForRequests(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Requests.Count < count && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        return Requests.Count >= count;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        context.Request.InputStream.CopyTo(body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in context.Request.Headers.AllKeys)
        {
            headers[key!] = context.Request.Headers[key]!;
        }

        Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray(), DateTimeOffset.UtcNow));
        _released.Wait(TimeSpan.FromSeconds(30));
        int status;
        lock (_script)
        {
            status = _script.Count > 0 ? _script.Dequeue() : _after;
        }

        try
        {
            context.Response.StatusCode = status;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // The sender gave up (timeout) or the test is over.
        }
    }

    public void Dispose()
    {
        _released.Set();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _released.Dispose();
    }
}
