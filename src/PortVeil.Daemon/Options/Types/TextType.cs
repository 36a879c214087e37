using System.Diagnostics.CodeAnalysis;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>A short string (a host name, a database name): one line, no NUL, at most <see cref="MaxLength"/> characters.</summary>
internal sealed class TextType(string example, bool allowEmpty = false, int maxLength = 1024) : ConfigType<string>
{
    public int MaxLength { get; } = maxLength;

    public override string Describe => allowEmpty ? $"text such as \"{example}\", or \"\" for none" : $"text such as \"{example}\"";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out string? result, out string error)
    {
        result = null;
        if (value is not StringValueSyntax s)
        {
            error = $"expected {Describe} (in quotes), got {Got(value)}";
            return false;
        }

        var text = s.Value ?? "";
        if ((!allowEmpty && text.Length == 0) || text.Length > MaxLength || text.AsSpan().IndexOfAny('\0', '\n', '\r') >= 0)
        {
            error = $"\"{text}\" is not {Describe}";
            return false;
        }

        result = text;
        error = "";
        return true;
    }

    public override string Format(string value) => Quote(value);

    public override string Display(string value) => value;
}
