using System.Text;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;

namespace PortVeil.Sensors.Tests.Nflog;

public class NflogPrefixesTests
{
    [Theory]
    [InlineData(NflogPrefixes.Unserved, PacketTag.Unserved)]
    [InlineData(NflogPrefixes.Served, PacketTag.Served)]
    [InlineData(NflogPrefixes.Tripwire, PacketTag.Tripwire)]
    [InlineData(NflogPrefixes.FingerprintDrop, PacketTag.FingerprintDrop)]
    [InlineData(NflogPrefixes.Reply, PacketTag.Reply)]
    [InlineData(NflogPrefixes.Gated, PacketTag.Gated)]
    [InlineData(NflogPrefixes.Stealth, PacketTag.Stealth)]
    public void Each_contract_prefix_maps_to_its_tag_with_or_without_the_kernel_nul(string prefix, PacketTag tag)
    {
        Assert.Equal(tag, NflogPrefixes.ToTag(Encoding.ASCII.GetBytes(prefix)));
        Assert.Equal(tag, NflogPrefixes.ToTag(Encoding.ASCII.GetBytes(prefix + "\0")));
        Assert.Equal(tag, NflogPrefixes.ToTag(Encoding.ASCII.GetBytes(prefix + " \0")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("DROP ")]
    [InlineData("pv:")]
    [InlineData("pv:servedx")]
    [InlineData("PV:served")]
    [InlineData("xpv:served")]
    public void Prefixes_outside_the_contract_map_to_none(string prefix)
    {
        Assert.Equal(PacketTag.None, NflogPrefixes.ToTag(Encoding.ASCII.GetBytes(prefix + "\0")));
    }
}
