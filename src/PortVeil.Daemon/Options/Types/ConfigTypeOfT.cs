using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>A <see cref="ConfigType"/> whose values are <typeparamref name="T"/>.</summary>
internal abstract class ConfigType<T> : ConfigType
    where T : notnull
{
    public abstract bool TryParse(ValueSyntax value, [NotNullWhen(true)] out T? result, out string error);

    public abstract string Format(T value);

    public virtual JsonNode? Json(T value) => JsonValue.Create(Display(value));

    public virtual string Display(T value) => Format(value);

    public sealed override bool TryParseValue(ValueSyntax value, [NotNullWhen(true)] out object? result, out string error)
    {
        if (TryParse(value, out var typed, out error))
        {
            result = typed;
            return true;
        }

        result = null;
        return false;
    }

    public sealed override string ToToml(object value) => Format((T)value);

    public sealed override JsonNode? ToJson(object value) => Json((T)value);

    public sealed override string ToDisplay(object value) => Display((T)value);
}
