using System.Globalization;
using System.Text;

namespace PortVeil.Daemon.Tests.Metrics;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4 (what Prometheus itself accepts): HELP and TYPE
/// comments, samples "name{label="value",...} number", label value escapes \\ \" \n. Anything else fails the test.
/// </summary>
internal sealed class PrometheusText
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
                Assert.True(parts.Length == 2, $"line {lineNumber}: bad TYPE line: {line}");
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(result.Types.ContainsKey(parts[0]), $"line {lineNumber}: TYPE of {parts[0]} given twice");
                result.Types[parts[0]] = parts[1];
                continue;
            }

            Assert.False(line.StartsWith('#'), $"line {lineNumber}: unknown comment: {line}");
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
        Assert.True(name.Length > 0 && !char.IsAsciiDigit(name[0]), $"line {lineNumber}: bad metric name in {line}");
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
                Assert.True(key.Length > 0 && line[i] == '=' && line[i + 1] == '"', $"line {lineNumber}: bad label at {start} in {line}");
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

        Assert.True(i < line.Length && line[i] == ' ', $"line {lineNumber}: expected a space before the value in {line}");
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
        Assert.True(matches.Count == 1, $"{name} {string.Join(",", labels)}: {matches.Count} samples");
        return matches[0].Value;
    }

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
