using System.Text.Json;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil explain ban|rules` on the configured backend; run on SQLite by SqliteExplainCommandTests and on PostgreSQL by PostgresExplainCommandTests.</summary>
public abstract class ExplainCommandTests(OperatorState state) : IDisposable
{
    private readonly OperatorState _state = state;

    protected OperatorState State => _state;

    public void Dispose()
    {
        _state.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Explain_ban_tells_ports_detector_thresholds_fingerprint_timing_exposure_and_escalation()
    {
        await _state.RecordScanAsync("203.0.113.40", DateTimeOffset.UtcNow.AddMinutes(-2), TimeSpan.FromHours(2));

        var (exit, stdout, _) = _state.RunNoKernel("explain", "ban", "203.0.113.40");

        Assert.Equal(0, exit);
        var text = stdout.ReplaceLineEndings(" ");
        foreach (var expected in (string[])[
            "203.0.113.40 is banned by the trw detector",
            "escalation level 1",
            "a syn scan: 7 probes with TCP flags SYN",
            "the verdict came 2.5 s after its first probe",
            "closed (nothing serves them): 21, 23, 25, 8080",
            "open (served): 22, 443",
            "Detector: trw (threshold random walk",
            "scored 6.931 against a threshold of 4.595",
            "Fingerprint: its packets match nmap (window 1024, lone MSS 1460)",
            "Exposure: before the verdict it had reached 2 open ports (22, 443)",
            "Kernel: not checked (the kernel was not read)",
        ])
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Explain_ban_json_carries_the_ban_the_evidence_the_kernel_part_and_the_account()
    {
        var banId = await _state.RecordScanAsync("2001:db8::40", DateTimeOffset.UtcNow.AddMinutes(-2), TimeSpan.FromHours(2));

        var (exit, stdout, _) = _state.RunNoKernel("explain", "ban", "2001:db8::40", "-o", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("banned").GetBoolean());
        Assert.Equal(banId.ToString("D"), root.GetProperty("ban").GetProperty("id").GetString());
        Assert.Equal("detector", root.GetProperty("ban").GetProperty("origin").GetString());
        var incident = Assert.Single(root.GetProperty("incidents").EnumerateArray());
        Assert.Equal("nmap", incident.GetProperty("tool").GetString());
        Assert.Equal([22, 443], incident.GetProperty("open_ports_reached").EnumerateArray().Select(p => p.GetInt32()));
        Assert.False(root.GetProperty("kernel").GetProperty("read").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("kernel").GetProperty("rule").ValueKind);
        Assert.True(root.GetProperty("account").GetArrayLength() >= 7);
    }

    [Fact]
    public async Task Explain_ban_after_an_unban_says_it_was_lifted_and_by_whom()
    {
        await _state.RecordScanAsync("203.0.113.41", DateTimeOffset.UtcNow.AddMinutes(-2), TimeSpan.FromHours(2));
        _state.RunNoKernel("bans", "remove", "203.0.113.41");

        var (exit, stdout, _) = _state.RunNoKernel("explain", "ban", "203.0.113.41");

        Assert.Equal(0, exit);
        Assert.Contains("203.0.113.41 is not banned now", stdout, StringComparison.Ordinal);
        Assert.Contains("when an operator unbanned it", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ban_of_a_member_of_a_24_subnet_ban_tells_the_subnet_ban_before_and_after_it_is_lifted()
    {
        await _state.RecordScanAsync("198.51.100.0", DateTimeOffset.UtcNow.AddMinutes(-2), TimeSpan.FromMinutes(10), prefixLength: 24);

        var active = _state.RunNoKernel("explain", "ban", "198.51.100.77");
        var json = _state.RunNoKernel("explain", "ban", "198.51.100.77", "-o", "json");
        var lifted = _state.RunNoKernel("bans", "remove", "198.51.100.0/24");
        var after = _state.RunNoKernel("explain", "ban", "198.51.100.77");

        Assert.Equal(0, active.ExitCode);
        Assert.Contains("198.51.100.77 is banned as part of 198.51.100.0/24 by the trw detector", active.Out, StringComparison.Ordinal);
        Assert.Contains("open (served): 22, 443", active.Out, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(json.Out))
        {
            Assert.Equal("198.51.100.0/24", Assert.Single(doc.RootElement.GetProperty("incidents").EnumerateArray()).GetProperty("source").GetString());
        }

        Assert.Equal(0, lifted.ExitCode);
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("198.51.100.77 is not banned now. It was banned as part of 198.51.100.0/24 by the trw detector", after.Out, StringComparison.Ordinal);
        Assert.Contains("when an operator unbanned it", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ban_of_a_manual_ban_says_there_is_no_scan_evidence()
    {
        _state.RunNoKernel("bans", "add", "203.0.113.42", "--reason", "abuse report #77");

        var (exit, stdout, _) = _state.RunNoKernel("explain", "ban", "203.0.113.42");

        Assert.Equal(0, exit);
        Assert.Contains("banned by hand", stdout, StringComparison.Ordinal);
        Assert.Contains("\"abuse report #77\". There is no scan evidence for a manual ban.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ban_of_an_unknown_address_exits_3_and_of_garbage_exits_2()
    {
        _state.RunNoKernel("bans", "add", "203.0.113.43");

        var unknown = _state.RunNoKernel("explain", "ban", "198.51.100.200");
        var garbage = _state.RunNoKernel("explain", "ban", "not-an-ip");

        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("198.51.100.200 has never been banned here", unknown.Out, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("'not-an-ip' is not an IPv4 or IPv6 address", garbage.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_rules_without_the_kernel_exits_1_with_a_clear_message()
    {
        _state.RunNoKernel("bans", "add", "203.0.113.44");

        var (exit, stdout, stderr) = _state.RunNoKernel("explain", "rules");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("portveil: explain rules reads the kernel table", stderr, StringComparison.Ordinal);
    }
}
