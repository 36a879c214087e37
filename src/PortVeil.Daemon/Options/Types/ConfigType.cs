using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// How one kind of setting is written in portveil.toml: parsed from a syntax node into a typed value (or an error
/// message saying what is allowed), and written back as TOML for `config default` and `config show`.
/// </summary>
internal abstract class ConfigType
{
    /// <summary>What the user may write, for error messages and docs: "duration such as \"30s\"".</summary>
    public abstract string Describe { get; }

    public abstract bool TryParseValue(ValueSyntax value, [NotNullWhen(true)] out object? result, out string error);

    /// <summary>The value as a TOML literal that parses back to the same value.</summary>
    public abstract string ToToml(object value);

    /// <summary>The value as JSON for `config show --output json`; strings unless the type has a JSON twin.</summary>
    public virtual JsonNode? ToJson(object value) => JsonValue.Create(ToDisplay(value));

    /// <summary>The value for people: the TOML literal without string quotes.</summary>
    public virtual string ToDisplay(object value) => ToToml(value);

    /// <summary>"an integer", "a string" ...: what the user wrote, for "expected X, got Y" messages.</summary>
    protected static string Got(ValueSyntax value) => value switch
    {
        BooleanValueSyntax => "a boolean",
        IntegerValueSyntax => "an integer",
        FloatValueSyntax => "a float",
        StringValueSyntax => "a string",
        ArraySyntax => "an array",
        InlineTableSyntax => "a table",
        DateTimeValueSyntax => "a date",
        _ => "something else",
    };

    protected static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
