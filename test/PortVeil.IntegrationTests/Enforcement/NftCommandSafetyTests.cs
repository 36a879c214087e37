using System.Text;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.ServedPorts;

namespace PortVeil.IntegrationTests.Enforcement;

public class NftCommandSafetyTests
{
    [Theory]
    [InlineData("203.0.113.7 } ; flush ruleset ; add element inet portveil banned4 { 1.2.3.4")]
    [InlineData("203.0.113.7\nflush ruleset")]
    [InlineData("\"203.0.113.7\"}]}")]
    [InlineData("2001:db8::1 } ; delete table inet user")]
    public void Text_that_is_not_exactly_an_address_never_becomes_a_ban(string hostile)
    {
        Assert.False(NetAddress.TryParse(hostile, out _));
    }

    [Fact]
    public void A_ban_batch_is_JSON_whose_addresses_and_timeouts_are_typed_values()
    {
        using var batch = new NftElements("portveil");
        batch.BeginElements("add", PortVeilRuleset.Banned6);
        batch.AddressWithTimeout(NetAddress.Parse("2001:db8::7"), 42);
        batch.EndElements();
        batch.BeginElements("add", PortVeilRuleset.Served);
        batch.ProtocolPort(IpProtocol.Tcp, 443);
        batch.EndElements();

        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(batch.Complete()));
        var commands = doc.RootElement.GetProperty("nftables");
        var elem = commands[0].GetProperty("add").GetProperty("element").GetProperty("elem")[0].GetProperty("elem");
        Assert.Equal(JsonValueKind.String, elem.GetProperty("val").ValueKind);
        Assert.Equal("2001:db8::7", elem.GetProperty("val").GetString());
        Assert.Equal(JsonValueKind.Number, elem.GetProperty("timeout").ValueKind);
        var concat = commands[1].GetProperty("add").GetProperty("element").GetProperty("elem")[0].GetProperty("concat");
        Assert.Equal(JsonValueKind.Number, concat[0].ValueKind);
        Assert.Equal(443, concat[1].GetInt32());
    }

    [Fact]
    public void A_hostile_DNAT_range_cannot_grow_the_served_set_past_its_cap()
    {
        const string Listing = """
            {"nftables": [{"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 3, "expr": [
              {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"range": [1, 65535]}}},
              {"dnat": {"addr": "192.0.2.2"}}]}}]}
            """;
        var ports = new HashSet<ServedPort>();
        DnatPorts.Read(Listing, "portveil", ports);
        Assert.Equal(DnatPorts.MaxPortsPerRule, ports.Count);
    }

    [Fact]
    public void Docker_iptables_nft_DNAT_rules_publish_their_original_port()
    {
        // What nft 1.0.6 prints for Docker's iptables-nft rule
        // `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 172.17.0.2:443`.
        const string Listing = """
            {"nftables": [{"rule": {"family": "ip", "table": "nat", "chain": "DOCKER", "handle": 9, "expr": [
              {"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "docker0"}},
              {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}},
              {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8443}},
              {"counter": {"packets": 0, "bytes": 0}},
              {"xt": {"type": "target", "name": "DNAT"}}]}},
             {"rule": {"family": "inet", "table": "portveil", "chain": "mangle", "handle": 4, "expr": [
              {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 9999}},
              {"dnat": {"addr": "192.0.2.2"}}]}}]}
            """;
        var ports = new HashSet<ServedPort>();
        DnatPorts.Read(Listing, "portveil", ports);
        Assert.Equal([new ServedPort(IpProtocol.Tcp, 8443)], ports);
    }
}
