using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PortVeil.Daemon;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>The in-process daemon's log, kept line by line (level, event id, formatted message) for assertions.</summary>
internal sealed class DaemonLogCollector : ILogger<PortVeilDaemon>
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }

    /// <summary>Polls until a line with <paramref name="eventId"/> is logged or the wait bound passes; returns it or null.</summary>
    public async Task<string?> WaitForAsync(int eventId, TimeSpan bound)
    {
        for (var deadline = DateTime.UtcNow + bound; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            foreach (var line in _lines)
            {
                if (line.EventId == eventId)
                {
                    return line.Message;
                }
            }
        }

        return null;
    }
}
