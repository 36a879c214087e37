using System.Text.Json.Nodes;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// Builds one libnftables JSON batch (`{"nftables": [...]}`) for one table of the inet family. The kernel applies
/// the whole batch as one transaction: all of it or none of it.
/// </summary>
public sealed class NftTableBuilder
{
    private readonly JsonArray _commands = [];

    public NftTableBuilder(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        Table = table;
    }

    public string Table { get; }

    public int Count => _commands.Count;

    /// <summary>Names of the sets this batch adds.</summary>
    public List<string> SetNames { get; } = [];

    public NftTableBuilder AddTable() => Command("add", "table", new JsonObject());

    public NftTableBuilder DeleteTable() => Command("delete", "table", new JsonObject());

    /// <summary>
    /// `add set`: <paramref name="types"/> is one type or several for a concatenation; timeouts are whole seconds
    /// (nft 1.0.6 JSON input ignores anything else, measured).
    /// </summary>
    /// <summary>Sets <see cref="AddSet"/> leaves out because they exist already.</summary>
    public IReadOnlySet<string>? SkipSets { get; set; }

    public NftTableBuilder AddSet(string name, string[] types, string[] flags, long? timeoutSeconds = null, int? size = null, bool counter = false)
    {
        SetNames.Add(name);
        if (SkipSets?.Contains(name) == true)
        {
            return this;
        }

        var set = new JsonObject
        {
            ["name"] = name,
            ["type"] = types.Length == 1 ? types[0] : NftExpr.Array(types),
        };
        if (flags.Length > 0)
        {
            set["flags"] = NftExpr.Array(flags);
        }

        if (timeoutSeconds is { } t)
        {
            set["timeout"] = t;
        }

        if (size is { } s)
        {
            set["size"] = s;
        }

        if (counter)
        {
            set["stmt"] = new JsonArray(NftExpr.Counter());
        }

        return Command("add", "set", set);
    }

    public NftTableBuilder FlushSet(string name) => Command("flush", "set", new JsonObject { ["name"] = name });

    /// <summary>A base chain of type filter at <paramref name="hook"/> with <paramref name="priority"/>, policy accept.</summary>
    public NftTableBuilder AddBaseChain(string name, string hook, int priority) => Command("add", "chain", new JsonObject
    {
        ["name"] = name,
        ["type"] = "filter",
        ["hook"] = hook,
        ["prio"] = priority,
        ["policy"] = "accept",
    });

    public NftTableBuilder AddChain(string name) => Command("add", "chain", new JsonObject { ["name"] = name });

    public NftTableBuilder FlushChain(string name) => Command("flush", "chain", new JsonObject { ["name"] = name });

    public NftTableBuilder AddRule(string chain, params JsonNode[] expressions) =>
        Command("add", "rule", new JsonObject { ["chain"] = chain, ["expr"] = new JsonArray(expressions) });

    /// <summary>`add element`: <paramref name="elements"/> are values or `{"elem": …}` objects.</summary>
    public NftTableBuilder AddElements(string set, JsonArray elements) =>
        elements.Count == 0 ? this : Command("add", "element", new JsonObject { ["name"] = set, ["elem"] = elements });

    public NftTableBuilder DeleteElements(string set, JsonArray elements) =>
        elements.Count == 0 ? this : Command("delete", "element", new JsonObject { ["name"] = set, ["elem"] = elements });

    /// <summary>The batch as UTF-8 JSON.</summary>
    public byte[] ToUtf8() => System.Text.Encoding.UTF8.GetBytes(ToJsonString());

    public string ToJsonString() => new JsonObject { ["nftables"] = _commands.DeepClone() }.ToJsonString();

    private NftTableBuilder Command(string verb, string kind, JsonObject body)
    {
        var full = new JsonObject { ["family"] = "inet", ["table"] = Table };
        if (kind == "table")
        {
            full = new JsonObject { ["family"] = "inet", ["name"] = Table };
        }

        foreach (var (key, value) in body)
        {
            full[key] = value?.DeepClone();
        }

        _commands.Add(new JsonObject { [verb] = new JsonObject { [kind] = full } });
        return this;
    }
}
