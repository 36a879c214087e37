using PortVeil.Daemon.Options;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>
/// docs/configuration.md and docs/portveil.toml.example are generated from the catalog; these tests fail when the
/// committed copies are stale. Regenerate: PORTVEIL_UPDATE_DOCS=1 dotnet test test/PortVeil.Daemon.Tests --filter ConfigDocsTests
/// </summary>
public class ConfigDocsTests
{
    [Fact]
    public void The_default_file_parses_back_to_exactly_the_defaults()
    {
        var r = ConfigLoader.LoadText(ConfigDocs.ExampleToml(), "portveil.toml.example");
        Assert.Empty(r.Errors);
        var fresh = new PortVeilConfig();
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Equal(key.Type.ToToml(key.Get(fresh)), key.Type.ToToml(key.Get(r.Config)));
            Assert.True(r.KeyLines.ContainsKey(key.FullName), $"{key.FullName} is missing from the default file");
        }
    }

    [Fact]
    public void The_default_file_describes_every_key_above_it()
    {
        var lines = ConfigDocs.ExampleToml().Split('\n');
        foreach (var key in ConfigCatalog.Keys)
        {
            // Within the key's own section: two sections may both have a key named "enabled".
            var section = Array.FindIndex(lines, l => l.TrimEnd() == "[" + key.Section + "]");
            var at = Array.FindIndex(lines, Math.Max(section, 0), l => l.StartsWith(key.Name + " = ", StringComparison.Ordinal));
            Assert.True(at >= 2, key.FullName);
            Assert.Equal("# " + key.Description, lines[at - 2]);
            Assert.Equal("# " + key.Type.Describe, lines[at - 1]);
        }
    }

    [Fact]
    public void Every_key_has_a_snake_case_name_a_description_and_a_unique_full_name()
    {
        var names = new HashSet<string>();
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", key.Name);
            Assert.True(names.Add(key.FullName), $"{key.FullName} is listed twice");
            Assert.False(string.IsNullOrWhiteSpace(key.Description), key.FullName);
            Assert.DoesNotContain('\n', key.Description);
            Assert.NotEmpty(key.Properties);
        }
    }

    [Fact]
    public void Example_file_in_docs_is_current() => AssertCurrent("portveil.toml.example", ConfigDocs.ExampleToml());

    [Fact]
    public void Configuration_reference_in_docs_is_current()
    {
        var markdown = ConfigDocs.Markdown();
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Contains($"| `{key.Name}` |", markdown, StringComparison.Ordinal);
        }

        AssertCurrent("configuration.md", markdown);
    }

    private static void AssertCurrent(string name, string expected)
    {
        var path = Path.Combine(RepoPaths.Root, "docs", name);
        if (Environment.GetEnvironmentVariable("PORTVEIL_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with PORTVEIL_UPDATE_DOCS=1 to write it");
        Assert.True(File.ReadAllText(path) == expected, $"docs/{name} is stale; regenerate it with PORTVEIL_UPDATE_DOCS=1 dotnet test test/PortVeil.Daemon.Tests --filter ConfigDocsTests");
    }
}
