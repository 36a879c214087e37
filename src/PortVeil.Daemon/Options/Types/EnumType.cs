using System.Diagnostics.CodeAnalysis;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>One of a few names (case-insensitive), each standing for a value of <typeparamref name="T"/>.</summary>
internal sealed class EnumType<T>(params (string Name, T Value)[] choices) : ConfigType<T>
    where T : notnull
{
    public IReadOnlyList<(string Name, T Value)> Choices { get; } = choices;

    public override string Describe => "one of " + string.Join(", ", Choices.Select(c => c.Name));

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out T? result, out string error)
    {
        result = default;
        if (value is not StringValueSyntax s)
        {
            error = $"expected {Describe} (in quotes), got {Got(value)}";
            return false;
        }

        foreach (var (name, v) in Choices)
        {
            if (string.Equals(name, s.Value, StringComparison.OrdinalIgnoreCase))
            {
                result = v;
                error = "";
                return true;
            }
        }

        error = $"\"{s.Value}\" is not {Describe}";
        return false;
    }

    public override string Format(T value) => Quote(Display(value));

    public override string Display(T value)
    {
        foreach (var (name, v) in Choices)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return name;
            }
        }

        return value.ToString() ?? "";
    }
}
