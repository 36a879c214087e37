using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PortVeil.Daemon;

namespace PortVeil.Cli.Demo;

/// <summary>
/// The in-process daemon's logger for the demo: keeps the first ban line (event 1100, "[portveil] Ban …") and when
/// it was written, measured on the same clock as the scan it answers.
/// </summary>
internal sealed class DemoBanLog : ILogger<PortVeilDaemon>
{
    private const int BanEventId = 1100;
    private readonly Stopwatch _clock;
    private readonly Lock _gate = new();

    public DemoBanLog(Stopwatch clock)
    {
        _clock = clock;
    }

    public string? FirstBan { get; private set; }

    public TimeSpan? FirstBanAt { get; private set; }

    /// <summary>Errors the daemon reported (a failed kernel ban, a storage problem), shown after the results.</summary>
    public List<string> Errors { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_gate)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Add(formatter(state, exception) + (exception is null ? "" : ": " + exception.Message));
            }

            if (eventId.Id == BanEventId && FirstBan is null)
            {
                FirstBanAt = _clock.Elapsed;
                FirstBan = formatter(state, exception);
            }
        }
    }
}
