using System.ComponentModel.DataAnnotations;

namespace PortVeil.Daemon.Options;

/// <summary>
/// Every key of portveil.toml, in one declarative list: section, name, type, description, and how it reads and
/// writes <see cref="PortVeilConfig"/>. The loader, `config show`, `config default` and docs/configuration.md are
/// all driven by it. To add a section: write a ConfigCatalog.&lt;Section&gt;.cs partial that returns a
/// <see cref="ConfigSection"/> (its keys and its stage's Validate), and list it in <see cref="Sections"/>.
/// </summary>
internal static partial class ConfigCatalog
{
    /// <summary>In the order `config default` prints them.</summary>
    public static IReadOnlyList<ConfigSection> Sections { get; } = [Daemon(), Sensor(), Detection(), Policy(), Kernel(), Storage(), Fleet(), Notifications(), Api()];

    public static IEnumerable<ConfigKey> Keys => Sections.SelectMany(s => s.Keys);

    public static ConfigSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public static ConfigKey? Find(string fullName) => Keys.FirstOrDefault(k => k.FullName == fullName);

    /// <summary>A stage's Validate() that throws on the first (or every) problem, as a list of messages.</summary>
    private static string[] Throwing(Action validate, string? stripPrefix = null)
    {
        try
        {
            validate();
            return [];
        }
        catch (ArgumentException e)
        {
            // ArgumentException appends " (Parameter 'x')" and ArgumentOutOfRangeException "Actual value was n."
            var message = e.Message;
            var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            message = (cut >= 0 ? message[..cut] : message.Split('\n')[0]).Trim();
            if (stripPrefix is not null && message.StartsWith(stripPrefix, StringComparison.Ordinal))
            {
                message = message[stripPrefix.Length..];
            }

            return message.Split("; ", StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>[Range]/[Required] attributes of a storage options object, as messages naming the property.</summary>
    private static IEnumerable<string> Annotations(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames) + " is invalid");
    }
}
