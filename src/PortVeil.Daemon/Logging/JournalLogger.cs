using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon.Logging;

/// <summary>One category's logger for <see cref="JournalLoggerProvider"/>.</summary>
internal sealed class JournalLogger(JournalLoggerProvider provider, string category) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        var fields = new JournalFields();
        fields.Add("MESSAGE", exception is null ? message : $"{message}: {exception.GetType().Name}: {exception.Message}");
        fields.Add("PRIORITY", Priority(logLevel).ToString(CultureInfo.InvariantCulture));
        fields.Add("SYSLOG_IDENTIFIER", JournalLoggerProvider.Identifier);
        fields.Add("PORTVEIL_CATEGORY", category);
        if (eventId.Id != 0)
        {
            fields.Add("PORTVEIL_EVENT_ID", eventId.Id.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(eventId.Name))
        {
            fields.Add("PORTVEIL_EVENT", eventId.Name);
        }

        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var (key, value) = values[i];
                if (key == OriginalFormat)
                {
                    continue;
                }

                fields.Add(JournalFields.FieldName("PORTVEIL_", key), Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }

        if (exception is not null)
        {
            fields.Add("PORTVEIL_EXCEPTION", exception.ToString());
        }

        provider.Send(fields.ToArray());
    }

    /// <summary>syslog priorities, as journalctl -p filters them.</summary>
    private static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };
}
