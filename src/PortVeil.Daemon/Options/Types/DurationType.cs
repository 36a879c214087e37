using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// A length of time written as fail2ban and systemd users write it: "700ms", "30s", "5m", "1h", "30d", "2w", or
/// parts together ("1h30m"); decimals work ("1.5h"). A bare integer is seconds (fail2ban's `bantime = 600`).
/// Milliseconds are the finest unit: the kernel's set timeouts and the engine's clocks need no finer.
/// </summary>
internal sealed class DurationType(TimeSpan min, TimeSpan max) : ConfigType<TimeSpan>
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("w", TimeSpan.TicksPerDay * 7), ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond),
    ];

    public TimeSpan Min { get; } = min;

    public TimeSpan Max { get; } = max;

    public override string Describe => $"duration {Display(Min)}..{Display(Max)} such as \"30s\", \"5m\", \"1h\", \"30d\"";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out TimeSpan result, out string error)
    {
        result = default;
        string text;
        if (value is IntegerValueSyntax i)
        {
            if (i.Value < 0 || i.Value > (long)TimeSpan.MaxValue.TotalSeconds)
            {
                error = $"{i.Value} seconds is out of range: expected a {Describe}";
                return false;
            }

            result = TimeSpan.FromSeconds(i.Value);
            text = i.Value.ToString(CultureInfo.InvariantCulture);
        }
        else if (value is StringValueSyntax s)
        {
            text = s.Value ?? "";
            if (!TryParseText(text, out result, out error))
            {
                return false;
            }
        }
        else
        {
            error = $"expected a {Describe}, got {Got(value)}";
            return false;
        }

        if (result < Min || result > Max)
        {
            error = $"\"{text}\" is out of range: expected a {Describe}";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Parses "1h30m"-style text; false with a message naming the bad part.</summary>
    public static bool TryParseText(string text, out TimeSpan result, out string error)
    {
        result = default;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            error = "expected a duration such as \"30s\", \"5m\", \"1h\", \"30d\", got an empty string";
            return false;
        }

        decimal ticks = 0;
        while (!span.IsEmpty)
        {
            var n = 0;
            while (n < span.Length && (char.IsAsciiDigit(span[n]) || span[n] == '.'))
            {
                n++;
            }

            var u = n;
            while (u < span.Length && char.IsAsciiLetter(span[u]))
            {
                u++;
            }

            if (n == 0 || !decimal.TryParse(span[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"\"{text}\" is not a duration: expected a number and a unit (ms, s, m, h, d, w) such as \"30s\" or \"1h30m\"";
                return false;
            }

            var unit = span[n..u];
            var unitTicks = 0L;
            foreach (var (name, t) in Units)
            {
                if (unit.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    unitTicks = t;
                }
            }

            if (unitTicks == 0)
            {
                error = unit.IsEmpty
                    ? $"\"{text}\" needs a unit after {number.ToString(CultureInfo.InvariantCulture)}: ms, s, m, h, d or w (\"30s\")"
                    : $"\"{text}\" has an unknown unit \"{unit}\": use ms, s, m, h, d or w";
                return false;
            }

            if (number > 1_000_000_000m)
            {
                error = $"\"{text}\" is far too long";
                return false;
            }

            ticks += number * unitTicks;
            span = span[u..].TrimStart();
        }

        if (ticks > TimeSpan.MaxValue.Ticks / 2 || ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            error = ticks > TimeSpan.MaxValue.Ticks / 2 ? $"\"{text}\" is far too long" : $"\"{text}\" is finer than a millisecond";
            return false;
        }

        result = TimeSpan.FromTicks((long)ticks);
        error = "";
        return true;
    }

    public override string Format(TimeSpan value) => Quote(Display(value));

    /// <summary>Largest units first, so 1 day prints "1d" and 90 s prints "1m30s".</summary>
    public override string Display(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        foreach (var (unit, t) in Units)
        {
            // Weeks only when exact: 30 days print "30d", not "4w2d".
            if (unit == "w" && ticks % t != 0)
            {
                continue;
            }

            var count = ticks / t;
            if (count > 0)
            {
                sb.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ticks -= count * t;
            }
        }

        return sb.ToString();
    }
}
