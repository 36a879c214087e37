using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>`true` or `false` (TOML booleans; "yes", "on" and 1 are refused so a typo cannot mean true).</summary>
internal sealed class BoolType : ConfigType<bool>
{
    public static readonly BoolType Instance = new();

    public override string Describe => "true or false";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out bool result, out string error)
    {
        if (value is BooleanValueSyntax b)
        {
            result = b.Value;
            error = "";
            return true;
        }

        result = false;
        error = value is StringValueSyntax s && (s.Value is "true" or "false")
            ? $"expected true or false without quotes, got the string \"{s.Value}\""
            : $"expected true or false, got {Got(value)}";
        return false;
    }

    public override string Format(bool value) => value ? "true" : "false";

    public override JsonNode? Json(bool value) => JsonValue.Create(value);
}
