namespace PortVeil.Daemon.Options;

/// <summary>
/// A [section] of portveil.toml: its keys, and the stage's own validation, whose messages the loader maps back to
/// the keys (and lines) that caused them.
/// </summary>
internal sealed class ConfigSection(string name, string description, IReadOnlyList<ConfigKey> keys, Func<PortVeilConfig, IEnumerable<string>> validate)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<ConfigKey> Keys { get; } = keys;

    /// <summary>Every problem the stage sees with the combined values; empty when usable.</summary>
    public Func<PortVeilConfig, IEnumerable<string>> Validate { get; } = validate;
}
