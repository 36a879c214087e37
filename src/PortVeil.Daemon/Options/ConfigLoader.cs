using System.Text.RegularExpressions;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options;

/// <summary>
/// Reads portveil.toml into a <see cref="PortVeilConfig"/> and reports every problem at once, each with file, line
/// and key: TOML syntax errors, unknown sections and keys (with a suggestion), values of the wrong type or out of
/// range, and then each stage's own Validate() over the combined values. Never throws on bad input.
/// </summary>
/// <remarks>
/// The file is read through Tomlyn's syntax tree rather than deserialised into objects, because the tree keeps
/// every node's line: a message can say "portveil.toml:12: kernel.reflex_threshold: …" instead of "bad config".
/// </remarks>
public static partial class ConfigLoader
{
    /// <summary>/etc/portveil/portveil.toml.</summary>
    public const string DefaultPath = DaemonOptionsDefaults.ConfigPath;

    /// <summary>A config file is a page or two of text; 1 MiB refuses a wrong path (a log, a disk image) quickly.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads <paramref name="path"/>. A missing file gives the defaults and no error.</summary>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return Failed(path, "is a directory, not a configuration file");
        }

        if (!File.Exists(path))
        {
            return new ConfigLoadResult(new PortVeilConfig(), [], FileFound: false, path, new Dictionary<string, int>());
        }

        string text;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                return Failed(path, $"is larger than {MaxFileBytes / 1024} KiB; is this the right file?");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(path, $"cannot be read: {e.Message}");
        }

        return LoadText(text, path);
    }

    /// <summary>Parses <paramref name="text"/> as the content of <paramref name="path"/> (which is only used in messages).</summary>
    public static ConfigLoadResult LoadText(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var run = new Run(path);
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, path, validate: true);
        }
#pragma warning disable CA1031 // A parser bug on hostile input must become a config error, not a crashed daemon.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Found by fuzzing (ConfigLoaderProperties): Tomlyn throws instead of reporting when a
            // string ends with a backslash at the end of the file. Name the line all the same, so the user can go to it.
            run.Error(FirstThrowingLine(text, path), "", $"cannot be parsed as TOML (an unterminated string or escape?): {e.Message}");
            return run.Result(fileFound: true);
        }

        // The parser reports some errors out of order (an unterminated string after what follows it); sort by line.
        var syntax = new List<(int Line, string Message)>();
        foreach (var d in document.Diagnostics)
        {
            if (d.Kind == DiagnosticMessageKind.Error)
            {
                syntax.Add((d.Span.Start.Line + 1, d.Message));
            }
        }

        foreach (var (line, message) in syntax.OrderBy(s => s.Line))
        {
            run.Error(line, "", message);
        }

        foreach (var kv in document.KeyValues)
        {
            run.Visit([], kv);
        }

        foreach (var table in document.Tables)
        {
            run.VisitTable(table);
        }

        run.ValidateStages();
        return run.Result(fileFound: true);
    }

    /// <summary>
    /// The first line whose inclusion makes the parser throw, by bisection over line prefixes: about 20 parses for a
    /// 1 MiB file, and only on this rare path. 0 when no prefix throws (then the whole text is to blame).
    /// </summary>
    private static int FirstThrowingLine(string text, string path)
    {
        var ends = new List<int>();
        for (var i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            ends.Add(i + 1);
        }

        ends.Add(text.Length);
        int low = 1, high = ends.Count, found = 0;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            if (Throws(text[..ends[mid - 1]], path))
            {
                found = mid;
                high = mid - 1;
            }
            else
            {
                low = mid + 1;
            }
        }

        return found;
    }

    private static bool Throws(string prefix, string path)
    {
        try
        {
            SyntaxParser.Parse(prefix, path, validate: true);
            return false;
        }
#pragma warning disable CA1031 // Same parser, same reason as in LoadText.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    private static ConfigLoadResult Failed(string path, string message) =>
        new(new PortVeilConfig(), [new ConfigError(path, 0, "", message)], FileFound: true, path, new Dictionary<string, int>());

    /// <summary>One load: the config being filled, the errors so far, and the line of each key set.</summary>
    private sealed class Run(string path)
    {
        private readonly PortVeilConfig _config = new();
        private readonly List<ConfigError> _errors = [];
        private readonly Dictionary<string, int> _keyLines = [];
        private readonly Dictionary<string, int> _sectionLines = [];

        public ConfigLoadResult Result(bool fileFound) => new(_config, _errors, fileFound, path, _keyLines);

        public void Error(int line, string key, string message) => _errors.Add(new ConfigError(path, line, key, message));

        public void VisitTable(TableSyntaxBase table)
        {
            var line = table.Span.Start.Line + 1;
            var parts = new List<string>();
            if (!TryKeyParts(table.Name, parts))
            {
                return; // The parser has reported the broken header.
            }

            var name = string.Join('.', parts);
            if (table is TableArraySyntax webhooks && name == WebhookTable.Name)
            {
                _sectionLines.TryAdd(name, line);
                _config.Notifications.Webhooks.Add(WebhookTable.Parse(webhooks, Error));
                return;
            }

            if (table is TableArraySyntax)
            {
                Error(line, name, $"[[{name}]] (an array of tables) is not used by PortVeil; write [{name}]");
                return;
            }

            if (parts.Count != 1 || ConfigCatalog.FindSection(parts[0]) is null)
            {
                var guess = ConfigSuggestions.Closest(parts.Count == 1 ? name : parts[^1], ConfigCatalog.Sections.Select(s => s.Name));
                Error(line, name, $"unknown section [{name}]{(guess is null ? "" : $"; did you mean [{guess}]?")} (sections: {SectionList()})");
                return;
            }

            _sectionLines.TryAdd(name, line);
            foreach (var kv in table.Items)
            {
                Visit(parts, kv);
            }
        }

        public void Visit(IReadOnlyList<string> prefix, KeyValueSyntax kv)
        {
            var parts = new List<string>(prefix);
            if (!TryKeyParts(kv.Key, parts) || kv.Value is null)
            {
                return; // A syntax error, reported with its line by the parser.
            }

            var line = kv.Span.Start.Line + 1;
            if (kv.Value is InlineTableSyntax inline && parts.Count == 1)
            {
                // `detection = { window = "3s" }` is the same as a [detection] section.
                if (ConfigCatalog.FindSection(parts[0]) is null)
                {
                    UnknownKey(parts, line);
                    return;
                }

                _sectionLines.TryAdd(parts[0], line);
                foreach (var item in inline.Items)
                {
                    if (item.KeyValue is not null)
                    {
                        Visit(parts, item.KeyValue);
                    }
                }

                return;
            }

            var key = parts.Count == 2 ? ConfigCatalog.Find(parts[0] + "." + parts[1]) : null;
            if (key is null)
            {
                UnknownKey(parts, line);
                return;
            }

            if (!key.Type.TryParseValue(kv.Value, out var value, out var message))
            {
                Error(line, key.FullName, message);
                return;
            }

            key.Set(_config, value);
            _keyLines[key.FullName] = line;
        }

        private void UnknownKey(List<string> parts, int line)
        {
            var full = string.Join('.', parts);
            string? guess;
            if (parts.Count == 1)
            {
                // A key outside any section: find it by name in the sections ("dry_run" → daemon.dry_run).
                var name0 = ConfigSuggestions.Closest(parts[0], ConfigCatalog.Keys.Select(k => k.Name));
                guess = ConfigCatalog.Keys.FirstOrDefault(k => k.Name == name0)?.FullName;
                Error(line, full, $"unknown key at the top level{(guess is null ? "" : $"; did you mean {guess} (under [{guess.Split('.')[0]}])?")}");
                return;
            }

            var section = ConfigCatalog.FindSection(parts[0]);
            if (section is null)
            {
                var sectionGuess = ConfigSuggestions.Closest(parts[0], ConfigCatalog.Sections.Select(s => s.Name));
                Error(line, full, $"unknown section {parts[0]}{(sectionGuess is null ? "" : $"; did you mean {sectionGuess}?")} (sections: {SectionList()})");
                return;
            }

            var name = string.Join('.', parts.Skip(1));
            // The exact name in another section beats a near miss in this one: reflex_threshold under [detection].
            guess = ConfigCatalog.Keys.FirstOrDefault(k => k.Section != section.Name && k.Name == name)?.FullName
                ?? (ConfigSuggestions.Closest(name, section.Keys.Select(k => k.Name)) is { } inSection ? section.Name + "." + inSection : null);
            Error(line, full, guess is null
                ? $"unknown key; [{section.Name}] has {string.Join(", ", section.Keys.Select(k => k.Name))}"
                : $"unknown key; did you mean {guess}?");
        }

        /// <summary>
        /// Runs each section's stage validation over the combined values. A message naming a property ("TrwTheta1")
        /// is rewritten with the key ("detection.trw_theta1") and reported at the first such key the file set.
        /// </summary>
        public void ValidateStages()
        {
            foreach (var section in ConfigCatalog.Sections)
            {
                IEnumerable<string> problems;
                try
                {
                    problems = [.. section.Validate(_config)];
                }
#pragma warning disable CA1031 // A stage check that throws on a combination we did not foresee is still a config error.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    problems = [e.Message];
                }

                foreach (var problem in problems)
                {
                    Report(section, problem);
                }
            }
        }

        private void Report(ConfigSection section, string problem)
        {
            var mentioned = new List<ConfigKey>();
            var message = PropertyName().Replace(problem, m =>
            {
                var key = section.Keys.FirstOrDefault(k => k.Properties.Contains(m.Value));
                if (key is null)
                {
                    return m.Value;
                }

                mentioned.Add(key);
                return key.FullName;
            });
            var at = mentioned.FirstOrDefault(k => _keyLines.ContainsKey(k.FullName)) ?? mentioned.FirstOrDefault();
            var line = at is not null && _keyLines.TryGetValue(at.FullName, out var l) ? l
                : _sectionLines.TryGetValue(section.Name, out var s) ? s : 0;
            Error(line, at?.FullName ?? section.Name, message);
        }

        private static string SectionList() => string.Join(", ", ConfigCatalog.Sections.Select(s => $"[{s.Name}]"));

        private static bool TryKeyParts(KeySyntax? key, List<string> parts)
        {
            if (key?.Key is null || Simple(key.Key) is not { } first)
            {
                return false;
            }

            parts.Add(first);
            foreach (var dotted in key.DotKeys)
            {
                if (dotted.Key is null || Simple(dotted.Key) is not { } next)
                {
                    return false;
                }

                parts.Add(next);
            }

            return true;
        }

        private static string? Simple(BareKeyOrStringValueSyntax key) => key switch
        {
            BareKeySyntax bare => bare.Key?.Text,
            StringValueSyntax quoted => quoted.Value,
            _ => null,
        };
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]+\b")]
    private static partial Regex PropertyName();
}
