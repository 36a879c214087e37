namespace PortVeil.Daemon.Options;

/// <summary>What <see cref="ConfigLoader"/> made of a file: the effective settings and every problem found.</summary>
/// <param name="Config">The effective settings: the file's values over the defaults. Not to be run when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem at once, in file order, then the stages' own checks.</param>
/// <param name="FileFound">False when the file does not exist (then everything is a default, and that is fine).</param>
/// <param name="Path">The file read.</param>
/// <param name="KeyLines">For each key the file set ("detection.window"), its 1-based line.</param>
public sealed record ConfigLoadResult(PortVeilConfig Config, IReadOnlyList<ConfigError> Errors, bool FileFound, string Path, IReadOnlyDictionary<string, int> KeyLines)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>"default" or "file:line", for `config show --sources`.</summary>
    public string SourceOf(string key) => KeyLines.TryGetValue(key, out var line) ? $"{Path}:{line}" : "default";
}
