using System.Text;

namespace PortVeil.Daemon.Options;

/// <summary>
/// Text generated from <see cref="ConfigCatalog"/>: the commented portveil.toml of `portveil config default`
/// (committed as docs/portveil.toml.example) and docs/configuration.md. A test fails when the committed copies
/// differ, so the docs cannot drift from the code.
/// </summary>
internal static class ConfigDocs
{
    /// <summary>A complete portveil.toml: every key set to its default, with its description and what it accepts.</summary>
    public static string ExampleToml()
    {
        var sb = new StringBuilder();
        sb.Append("# PortVeil configuration: ").Append(ConfigLoader.DefaultPath).Append('\n');
        sb.Append("# Every key is shown with its default; delete a line to keep the default, which may improve in later versions.\n");
        sb.Append("# Check a change with `portveil config check`; see the effective settings with `portveil config show --sources`.\n");
        foreach (var section in ConfigCatalog.Sections)
        {
            sb.Append('\n').Append("# ").Append(section.Description).Append('\n');
            sb.Append('[').Append(section.Name).Append("]\n");
            foreach (var key in section.Keys)
            {
                sb.Append('\n');
                sb.Append("# ").Append(key.Description).Append('\n');
                sb.Append("# ").Append(key.Type.Describe).Append('\n');
                sb.Append(key.Name).Append(" = ").Append(key.Type.ToToml(key.Default)).Append('\n');
            }
        }

        sb.Append("\n# Webhooks: one [[webhooks]] table per receiver; none by default. Uncomment and fill in to use one.\n");
        foreach (var (key, _, accepts, meaning) in WebhookTable.Keys)
        {
            sb.Append("#   ").Append(key).Append(": ").Append(meaning).Append(" (").Append(accepts).Append(")\n");
        }

        sb.Append("# [[webhooks]]\n# url = \"https://hooks.example.net/portveil\"\n# secret = \"(openssl rand -hex 32)\"\n");
        sb.Append("# events = [\"ban\", \"unban\"]\n# timeout = \"5s\"\n");
        return sb.ToString();
    }

    /// <summary>docs/configuration.md: one table per section with every key, its default and its meaning.</summary>
    public static string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("# Configuration reference\n\n");
        sb.Append("<!-- Generated from src/PortVeil.Daemon/Options/ConfigCatalog*.cs by ConfigDocsTests; do not edit by hand.\n");
        sb.Append("     Regenerate: PORTVEIL_UPDATE_DOCS=1 dotnet test test/PortVeil.Daemon.Tests --filter ConfigDocsTests -->\n\n");
        sb.Append("PortVeil reads `").Append(ConfigLoader.DefaultPath).Append("` (TOML). A missing file means every default below; ");
        sb.Append("a key left out keeps its default. `portveil config default` prints a complete commented file ");
        sb.Append("([portveil.toml.example](portveil.toml.example)), `portveil config show --sources` the effective value of every key ");
        sb.Append("and where it came from, and `portveil config check` every problem at once as `file:line: key: message` ");
        sb.Append("(exit 0 clean, 1 with errors).\n\n");
        sb.Append("Value forms: durations are written `\"700ms\"`, `\"30s\"`, `\"5m\"`, `\"1h\"`, `\"30d\"`, `\"2w\"` or combined (`\"1h30m\"`); ");
        sb.Append("a bare integer is seconds. Port lists are a string or an array: `\"22,443,udp/53,8000-8100\"` (no protocol = TCP). ");
        sb.Append("Networks are `[\"192.0.2.0/24\", \"2001:db8::/32\", \"198.51.100.7\"]`; host bits must be zero.\n");
        foreach (var section in ConfigCatalog.Sections)
        {
            sb.Append("\n## [").Append(section.Name).Append("]\n\n").Append(section.Description).Append("\n\n");
            sb.Append("| Key | Default | Accepts | Meaning |\n|---|---|---|---|\n");
            foreach (var key in section.Keys)
            {
                sb.Append("| `").Append(key.Name).Append("` | `").Append(Cell(key.Type.ToToml(key.Default))).Append("` | ")
                    .Append(Cell(key.Type.Describe)).Append(" | ").Append(Cell(key.Description)).Append(" |\n");
            }
        }

        sb.Append("\n## [[webhooks]]\n\nOne table per receiver (none by default); see [integrations.md](integrations.md) for the payloads and ");
        sb.Append("how to verify the signature. Retries, backoff and the queue are set under [notifications].\n\n");
        sb.Append("| Key | Default | Accepts | Meaning |\n|---|---|---|---|\n");
        foreach (var (key, def, accepts, meaning) in WebhookTable.Keys)
        {
            sb.Append("| `").Append(key).Append("` | `").Append(Cell(def)).Append("` | ").Append(Cell(accepts)).Append(" | ").Append(Cell(meaning)).Append(" |\n");
        }

        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
