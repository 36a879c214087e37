using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PortVeil.Daemon.Metrics;

/// <summary>
/// Prometheus text exposition (format 0.0.4) of one <see cref="Meter"/>, collected with a <see cref="MeterListener"/>.
/// Only the given meter object is listened to (not every meter named "PortVeil" in the process), so two daemons
/// in one test process never mix their numbers; that is why this is not the OpenTelemetry exporter, which matches
/// meters by name and ships only as a beta.
/// </summary>
/// <remarks>
/// Names: dots become underscores, unit "s" adds "_seconds", counters end in "_total" (Prometheus conventions).
/// Label values are escaped as the format requires (backslash, double quote, newline).
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly Meter _meter;
    private readonly Action? _beforeCollect;
    private readonly Lock _gate = new();
    private readonly List<InstrumentState> _instruments = [];

    public PrometheusExporter(Meter meter, Action? beforeCollect = null)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _meter = meter;
        _beforeCollect = beforeCollect;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter))
            {
                return;
            }

            var state = new InstrumentState(instrument);
            lock (_gate)
            {
                _instruments.Add(state);
            }

            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and writes every instrument in the text format.</summary>
    public string Collect()
    {
        _beforeCollect?.Invoke();
        _listener.RecordObservableInstruments();
        InstrumentState[] instruments;
        lock (_gate)
        {
            instruments = [.. _instruments];
        }

        var text = new StringBuilder(4096);
        foreach (var i in instruments)
        {
            i.Write(text);
        }

        return text.ToString();
    }

    /// <summary>The Prometheus name of an instrument: "portveil.ban.latency" in seconds → "portveil_ban_latency_seconds".</summary>
    public static string MetricName(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = new StringBuilder(instrument.Name.Length + 16);
        foreach (var c in instrument.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (instrument.Unit == "s")
        {
            name.Append("_seconds");
        }

        if (IsCounter(instrument))
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    private static bool IsCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
    }

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);

    internal static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal static void AppendEscapedLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One instrument's series, keyed by their formatted label set.</summary>
    private sealed class InstrumentState
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Instrument _instrument;
        private readonly double[]? _bounds;
        private readonly string _name;

        public InstrumentState(Instrument instrument)
        {
            _instrument = instrument;
            _name = MetricName(instrument);
            if (IsHistogram(instrument))
            {
                _bounds = instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } b } ? [.. b] : [.. PortVeilMetrics.LatencyBuckets];
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            lock (_gate)
            {
                if (!_series.TryGetValue(labels, out var s))
                {
                    s = new Series(_bounds?.Length ?? 0);
                    _series.Add(labels, s);
                }

                if (_bounds is not null)
                {
                    var i = 0;
                    while (i < _bounds.Length && value > _bounds[i])
                    {
                        i++;
                    }

                    if (i < _bounds.Length)
                    {
                        s.Buckets[i]++;
                    }

                    s.Count++;
                    s.Sum += value;
                }
                else if (_instrument.IsObservable)
                {
                    // Observable counters report their running total and gauges their level: the latest wins.
                    s.Value = value;
                }
                else
                {
                    s.Value += value;
                }
            }
        }

        public void Write(StringBuilder text)
        {
            var type = _bounds is not null ? "histogram" : IsCounter(_instrument) ? "counter" : "gauge";
            text.Append("# HELP ").Append(_name).Append(' ').Append((_instrument.Description ?? _name).Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(_name).Append(' ').Append(type).Append('\n');
            lock (_gate)
            {
                if (_series.Count == 0 && _bounds is null)
                {
                    // A counter nobody has touched yet is 0, not absent: rate() needs the first sample.
                    text.Append(_name).Append(" 0\n");
                    return;
                }

                foreach (var (labels, s) in _series)
                {
                    if (_bounds is null)
                    {
                        text.Append(_name);
                        AppendLabels(text, labels, null);
                        text.Append(' ').Append(FormatValue(s.Value)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i < _bounds.Length; i++)
                    {
                        cumulative += s.Buckets[i];
                        text.Append(_name).Append("_bucket");
                        AppendLabels(text, labels, FormatValue(_bounds[i]));
                        text.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    text.Append(_name).Append("_bucket");
                    AppendLabels(text, labels, "+Inf");
                    text.Append(' ').Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(_name).Append("_sum");
                    AppendLabels(text, labels, null);
                    text.Append(' ').Append(FormatValue(s.Sum)).Append('\n');
                    text.Append(_name).Append("_count");
                    AppendLabels(text, labels, null);
                    text.Append(' ').Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        private static void AppendLabels(StringBuilder text, string labels, string? le)
        {
            if (labels.Length == 0 && le is null)
            {
                return;
            }

            text.Append('{').Append(labels);
            if (le is not null)
            {
                text.Append(labels.Length == 0 ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return "";
            }

            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }

                foreach (var c in key)
                {
                    text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
                }

                text.Append("=\"");
                AppendEscapedLabelValue(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                text.Append('"');
            }

            return text.ToString();
        }
    }

    private sealed class Series(int buckets)
    {
        public double Value;
        public double Sum;
        public long Count;
        public readonly long[] Buckets = new long[buckets];
    }
}
