namespace PortVeil.Daemon.Options;

/// <summary>One problem in a configuration file, named by file, line and key so the user can go straight to it.</summary>
/// <param name="File">The configuration file.</param>
/// <param name="Line">1-based line, 0 when the problem is not tied to a line (a missing required key).</param>
/// <param name="Key">The dotted key, e.g. "policy.ban_time"; empty for a syntax error.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ConfigError(string File, int Line, string Key, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        return Key.Length > 0 ? $"{where}: {Key}: {Message}" : $"{where}: {Message}";
    }
}
