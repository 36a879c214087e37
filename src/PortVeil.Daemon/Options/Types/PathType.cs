using System.Diagnostics.CodeAnalysis;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>An absolute file or directory path. Relative paths are refused: a daemon's working directory is "/".</summary>
internal sealed class PathType : ConfigType<string>
{
    public static readonly PathType Instance = new();

    public override string Describe => "absolute path such as \"/var/lib/portveil\"";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out string? result, out string error)
    {
        result = null;
        if (value is not StringValueSyntax s)
        {
            error = $"expected an {Describe}, got {Got(value)}";
            return false;
        }

        var text = s.Value ?? "";
        if (!text.StartsWith('/') || text.Contains('\0', StringComparison.Ordinal) || text.Length > 4096)
        {
            error = $"\"{text}\" is not an {Describe}";
            return false;
        }

        result = text;
        error = "";
        return true;
    }

    public override string Format(string value) => Quote(value);

    public override string Display(string value) => value;
}
