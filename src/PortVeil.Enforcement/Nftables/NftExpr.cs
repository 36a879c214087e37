using System.Text.Json.Nodes;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// Typed pieces of the libnftables JSON schema (libnftables-json(5), schema version 1). Every value is a JSON
/// number, a constant keyword from this file, or an address written by <see cref="NftElements"/>, never text
/// taken from outside.
/// </summary>
internal static class NftExpr
{
    public static JsonObject Payload(string protocol, string field) =>
        new() { ["payload"] = new JsonObject { ["protocol"] = protocol, ["field"] = field } };

    public static JsonObject Meta(string key) => new() { ["meta"] = new JsonObject { ["key"] = key } };

    public static JsonObject Ct(string key) => new() { ["ct"] = new JsonObject { ["key"] = key } };

    /// <summary>`fib daddr type`: local, unicast, broadcast… for the packet's destination.</summary>
    public static JsonObject FibDaddrType() =>
        new() { ["fib"] = new JsonObject { ["result"] = "type", ["flags"] = Array("daddr") } };

    /// <summary>`fib saddr type`: is the packet's source one of this host's addresses (local), unicast, …</summary>
    public static JsonObject FibSaddrType() =>
        new() { ["fib"] = new JsonObject { ["result"] = "type", ["flags"] = Array("saddr") } };

    /// <summary>`fib saddr[ . mark . iif] oif`: the interface the route back to the source leaves by (false = missing).</summary>
    public static JsonObject FibSourceOif(bool strict) =>
        new() { ["fib"] = new JsonObject { ["result"] = "oif", ["flags"] = strict ? Array("saddr", "mark", "iif") : Array("saddr") } };

    public static JsonObject Match(JsonNode left, JsonNode right, string op = "==") =>
        new() { ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right } };

    /// <summary>A set reference as the right side of a match or the target of a set statement.</summary>
    public static string SetRef(string name) => "@" + name;

    public static JsonObject Concat(params JsonNode[] items) => new() { ["concat"] = new JsonArray(items) };

    public static JsonObject And(JsonNode left, JsonNode mask) => new() { ["&"] = new JsonArray(left, mask) };

    public static JsonObject Or(params string[] items) => new() { ["|"] = Array(items) };

    public static JsonObject AnonymousSet(params string[] items) => new() { ["set"] = Array(items) };

    public static JsonArray Array(params string[] items)
    {
        var a = new JsonArray();
        foreach (var s in items)
        {
            a.Add(s);
        }

        return a;
    }

    /// <summary>`tcp flags &amp; (fin|syn|rst|ack) == <paramref name="flags"/>`: a SYN, or a SYN-ACK.</summary>
    public static JsonObject TcpFlags(string op, params string[] flags) =>
        Match(And(Payload("tcp", "flags"), Array("fin", "syn", "rst", "ack")), flags.Length == 1 ? flags[0] : Or(flags), op);

    /// <summary>`tcp option NAME missing` (an exthdr existence test with value false).</summary>
    public static JsonObject TcpOptionMissing(string name) =>
        Match(new JsonObject { ["tcp option"] = new JsonObject { ["name"] = name } }, false);

    public static JsonObject Log(string prefix, ushort group, ushort snaplen) =>
        new() { ["log"] = new JsonObject { ["prefix"] = prefix, ["group"] = group, ["snaplen"] = snaplen } };

    public static JsonObject Counter() => new() { ["counter"] = null };

    public static JsonObject Accept() => new() { ["accept"] = null };

    public static JsonObject Drop() => new() { ["drop"] = null };

    public static JsonObject Jump(string chain) => new() { ["jump"] = new JsonObject { ["target"] = chain } };

    /// <summary>`add|update @set { elem [stmts] }` from the packet path.</summary>
    public static JsonObject SetStatement(string op, string set, JsonNode elem, params JsonNode[] statements)
    {
        var body = new JsonObject { ["op"] = op, ["elem"] = elem, ["set"] = SetRef(set) };
        if (statements.Length > 0)
        {
            body["stmt"] = new JsonArray(statements);
        }

        return new JsonObject { ["set"] = body };
    }

    /// <summary>An element with its own timeout (whole seconds: nft 1.0.6 JSON reads timeouts as seconds).</summary>
    public static JsonObject ElemWithTimeout(JsonNode value, long timeoutSeconds) =>
        new() { ["elem"] = new JsonObject { ["val"] = value, ["timeout"] = timeoutSeconds } };

    /// <summary>`limit rate RATE/second burst BURST packets`: matches while under the rate.</summary>
    public static JsonObject Limit(int ratePerSecond, int burst) =>
        new() { ["limit"] = new JsonObject { ["rate"] = ratePerSecond, ["burst"] = burst, ["per"] = "second" } };

    /// <summary>The anonymous set {0x0, fin, fin|ack}: masked TCP flags of NULL, FIN, XMAS, Maimon and odd-flag probes.</summary>
    public static JsonObject StealthFlagSet() =>
        new() { ["set"] = new JsonArray(0, "fin", Or("fin", "ack")) };

    /// <summary>`limit rate over RATE/minute burst BURST packets`.</summary>
    public static JsonObject LimitOver(int ratePerMinute, int burst) =>
        new() { ["limit"] = new JsonObject { ["rate"] = ratePerMinute, ["burst"] = burst, ["per"] = "minute", ["inv"] = true } };
}
