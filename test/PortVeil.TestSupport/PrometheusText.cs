using System.Globalization;
using System.Text;

namespace PortVeil.TestSupport;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4 (what Prometheus itself accepts): HELP and TYPE
/// comments, samples "name{label="value",...} number", label value escapes \\ \" \n. Anything else throws
/// <see cref="FormatException"/> naming the line.
/// </summary>
public sealed class PrometheusText
{
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);

    public List<Sample> Samples { get; } = [];

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                result.Help[rest[..space]] = rest[(space + 1)..];
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Check(parts.Length == 2 && parts[1] is "counter" or "gauge" or "histogram" or "summary" or "untyped", lineNumber, $"bad TYPE line: {line}");
                Check(!result.Types.ContainsKey(parts[0]), lineNumber, $"TYPE of {parts[0]} given twice");
                result.Types[parts[0]] = parts[1];
                continue;
            }

            Check(!line.StartsWith('#'), lineNumber, $"unknown comment: {line}");
            result.Samples.Add(ParseSample(line, lineNumber));
        }

        return result;
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        Check(name.Length > 0 && !char.IsAsciiDigit(name[0]), lineNumber, $"bad metric name in {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')
                {
                    i++;
                }

                var key = line[start..i];
                Check(key.Length > 0 && line[i] == '=' && line[i + 1] == '"', lineNumber, $"bad label at {start} in {line}");
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"line {lineNumber}: bad escape \\{line[i]}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                labels.Add(key, value.ToString());
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Check(i < line.Length && line[i] == ' ', lineNumber, $"expected a space before the value in {line}");
        var number = line[(i + 1)..];
        var v = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, v);
    }

    /// <summary>The one sample of <paramref name="name"/> whose labels include every given pair.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matches.Count == 1 ? matches[0].Value
            : throw new InvalidOperationException($"{name} {string.Join(",", labels)}: {matches.Count} samples, expected exactly one");
    }

    private static void Check(bool condition, int lineNumber, string message)
    {
        if (!condition)
        {
            throw new FormatException($"line {lineNumber}: {message}");
        }
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
