using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// A number between <see cref="Min"/> and <see cref="Max"/>: strictly between by default (probabilities: 0 and 1
/// make TRW's logarithms infinite), or with the bounds allowed (an escalation factor of 1..10).
/// </summary>
internal sealed class FloatType(double min, double max, bool inclusive = false) : ConfigType<double>
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    public bool Inclusive { get; } = inclusive;

    public override string Describe => Inclusive ? $"number {Format(Min)}..{Format(Max)}" : $"number strictly between {Format(Min)} and {Format(Max)}";

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

        if (Inclusive ? !(result >= Min && result <= Max) : !(result > Min && result < Max))
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
