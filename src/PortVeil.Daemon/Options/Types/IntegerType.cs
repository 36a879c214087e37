using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>A whole number within [<see cref="Min"/>, <see cref="Max"/>]; TOML's 1_000_000 digit groups work.</summary>
internal class IntegerType(long min, long max, string? unit = null) : ConfigType<long>
{
    public long Min { get; } = min;

    public long Max { get; } = max;

    public override string Describe => $"integer {Min.ToString("N0", CultureInfo.InvariantCulture)}..{Max.ToString("N0", CultureInfo.InvariantCulture)}{(unit is null ? "" : " " + unit)}";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out long result, out string error)
    {
        result = 0;
        if (value is not IntegerValueSyntax i)
        {
            error = value is FloatValueSyntax ? $"expected a whole number ({Describe}), got a float"
                : value is StringValueSyntax s && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                    ? $"expected a number without quotes ({Describe}), got the string \"{s.Value}\""
                    : $"expected {Describe}, got {Got(value)}";
            return false;
        }

        if (i.Value < Min || i.Value > Max)
        {
            error = $"{i.Value.ToString(CultureInfo.InvariantCulture)} is out of range: expected {Describe}";
            return false;
        }

        result = i.Value;
        error = "";
        return true;
    }

    public override string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public override JsonNode? Json(long value) => JsonValue.Create(value);
}
