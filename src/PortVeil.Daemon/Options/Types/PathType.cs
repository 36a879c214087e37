using System.Diagnostics.CodeAnalysis;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>An absolute file or directory path. Relative paths are refused: a daemon's working directory is "/".</summary>
internal sealed class PathType : ConfigType<string>
{
    public static readonly PathType Instance = new();

    /// <summary>An absolute path, or "" for "none" (an optional file such as the incident log).</summary>
    public static readonly PathType Optional = new() { AllowEmpty = true };

    public bool AllowEmpty { get; private init; }

    public override string Describe => AllowEmpty ? "absolute path, or \"\" for none" : "absolute path such as \"/var/lib/portveil\"";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out string? result, out string error)
    {
        result = null;
        if (value is not StringValueSyntax s)
        {
            error = $"expected an {Describe}, got {Got(value)}";
            return false;
        }

        var text = s.Value ?? "";
        if (AllowEmpty && text.Length == 0)
        {
            result = text;
            error = "";
            return true;
        }

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
