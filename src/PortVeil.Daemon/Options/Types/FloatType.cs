using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>A number strictly between <see cref="Min"/> and <see cref="Max"/> (probabilities: 0 and 1 make TRW's logarithms infinite).</summary>
internal sealed class FloatType(double min, double max) : ConfigType<double>
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    public override string Describe => $"number strictly between {Format(Min)} and {Format(Max)}";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out double result, out string error)
    {
        result = value switch
        {
            FloatValueSyntax f => f.Value,
            IntegerValueSyntax i => i.Value,
            _ => double.NaN,
        };
        if (value is not (FloatValueSyntax or IntegerValueSyntax))
        {
            error = $"expected a {Describe}, got {Got(value)}";
            return false;
        }

        if (!(result > Min && result < Max))
        {
            error = $"{Format(result)} is out of range: expected a {Describe}";
            return false;
        }

        error = "";
        return true;
    }

    public override string Format(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text;
    }

    public override JsonNode? Json(double value) => JsonValue.Create(value);
}
