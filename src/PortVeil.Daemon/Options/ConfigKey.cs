using PortVeil.Daemon.Options.Types;

namespace PortVeil.Daemon.Options;

/// <summary>
/// One setting of portveil.toml: where it lives, what it accepts, what it means, and how it reads and writes the
/// stage options inside <see cref="PortVeilConfig"/>. Its default is whatever a fresh <see cref="PortVeilConfig"/>
/// holds, which the stage took from its own *Defaults constants, so no default is ever written twice.
/// </summary>
internal sealed class ConfigKey
{
    private ConfigKey(string section, string name, ConfigType type, string description, Func<PortVeilConfig, object> get, Action<PortVeilConfig, object> set, string[] properties)
    {
        Section = section;
        Name = name;
        Type = type;
        Description = description;
        Get = get;
        Set = set;
        Properties = properties;
    }

    public string Section { get; }

    public string Name { get; }

    /// <summary>"detection.window": how errors, `config show` and the docs name the key.</summary>
    public string FullName => Section + "." + Name;

    public ConfigType Type { get; }

    /// <summary>One line for a self-hoster: what it does, and when to change it.</summary>
    public string Description { get; }

    public Func<PortVeilConfig, object> Get { get; }

    public Action<PortVeilConfig, object> Set { get; }

    /// <summary>
    /// The stage options' property names this key sets ("TrwAlpha"); a stage's Validate() message that names one
    /// of them is reported at this key and its line.
    /// </summary>
    public IReadOnlyList<string> Properties { get; }

    /// <summary>Shown as "(redacted)" by `config show` (API tokens, database passwords).</summary>
    public bool Secret { get; init; }

    public object Default => Get(new PortVeilConfig());

    public static ConfigKey Create<T>(string section, string name, ConfigType<T> type, string description, Func<PortVeilConfig, T> get, Action<PortVeilConfig, T> set, params string[] properties)
        where T : notnull =>
        new(section, name, type, description, c => get(c), (c, v) => set(c, (T)v), properties);
}
