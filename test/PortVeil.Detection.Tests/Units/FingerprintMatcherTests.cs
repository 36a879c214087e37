using PortVeil.Core;
using PortVeil.Detection.Fingerprints;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Units;

public class FingerprintMatcherTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void Nmap_syn_windows_with_a_lone_mss_are_nmap(int window) =>
        Assert.Equal(ScannerTool.Nmap, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 80, 0, window: (ushort)window, opts: SynOptions.Nmap)));

    [Fact]
    public void Nmap_window_with_a_full_option_set_is_not_nmap() =>
        Assert.Equal(ScannerTool.Unknown, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 80, 0, window: 1024, opts: SynOptions.Linux)));

    [Fact]
    public void Linux_client_syn_matches_no_tool() =>
        Assert.Equal(ScannerTool.Unknown, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 443, 0)));

    [Fact]
    public void Masscan_ip_id_identity_is_masscan()
    {
        var dst = Events.Server.V4;
        const uint seq = 0x1234_5678;
        var e = Events.Syn("198.51.100.1", 8080, 0, window: 1024, opts: SynOptions.None, seq: seq, ipId: (dst ^ 8080 ^ seq) & 0xFFFF);

        Assert.Equal(ScannerTool.Masscan, FingerprintMatcher.Match(e));
    }

    [Fact]
    public void Mirai_sequence_equal_to_destination_is_mirai() =>
        Assert.Equal(ScannerTool.Mirai, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 23, 0, window: 14600, opts: SynOptions.None, seq: Events.Server.V4)));

    [Fact]
    public void Ip_id_54321_is_legacy_zmap() =>
        Assert.Equal(ScannerTool.Zmap, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 22, 0, window: 65535, opts: SynOptions.None, ipId: 54321)));

    [Fact]
    public void Window_512_without_options_is_hping3() =>
        Assert.Equal(ScannerTool.Hping, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 22, 0, window: 512, opts: SynOptions.None)));

    [Fact]
    public void Syn_without_sack_or_window_scale_is_a_raw_syn() =>
        Assert.Equal(ScannerTool.RawSyn, FingerprintMatcher.Match(Events.Syn("198.51.100.1", 22, 0, window: 29200, opts: SynOptions.None)));

    [Fact]
    public void Every_tool_has_a_description_naming_what_matched()
    {
        Assert.Contains("1024", FingerprintMatcher.Describe(ScannerTool.Nmap, 1024));
        Assert.Contains("54321", FingerprintMatcher.Describe(ScannerTool.Zmap, 0));
        Assert.Null(FingerprintMatcher.Describe(ScannerTool.Unknown, 0));
    }
}
