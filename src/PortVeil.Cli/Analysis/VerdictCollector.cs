using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Cli.Analysis;

/// <summary>
/// Keeps a ledger per remote source while the engine runs, and receives the engine's verdicts. The ledger count
/// is capped so a capture of a spoofed flood cannot exhaust memory; sources beyond the cap get a ledger only
/// when flagged, seeded from the verdict's evidence.
/// </summary>
internal sealed class VerdictCollector : IVerdictSink
{
    /// <summary>About 1 KB per ledger: 200 000 sources stay near 200 MB even for a capture of a spoofed flood.</summary>
    public const int DefaultMaxLedgers = 200_000;

    private readonly Dictionary<NetAddress, SourceLedger> _ledgers = [];
    private readonly Dictionary<NetAddress, SourceLedger> _byPrefix = [];
    private readonly List<SourceLedger> _flagged = [];
    private readonly int _maxLedgers;

    public VerdictCollector(int maxLedgers = DefaultMaxLedgers)
    {
        _maxLedgers = maxLedgers;
    }

    public void OnVerdict(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var key = verdict.Source;
        var map = key.IsPrefix ? _byPrefix : _ledgers;
        if (!map.TryGetValue(key.Address, out var ledger))
        {
            ledger = new SourceLedger();
            ledger.SeedFrom(verdict);
            map[key.Address] = ledger;
        }

        if (ledger.Verdict is null)
        {
            ledger.Verdict = verdict;
            _flagged.Add(ledger);
        }
    }

    /// <summary>Called for every packet (before the engine sees it, so the deciding packet is in the ledger).</summary>
    public void Observe(in PacketEvent p)
    {
        var remote = p.Direction == PacketDirection.Outbound ? p.Destination : p.Source;
        if (!_ledgers.TryGetValue(remote, out var ledger))
        {
            if (_ledgers.Count >= _maxLedgers)
            {
                if (remote.IsIPv4 || !_byPrefix.TryGetValue(remote.Mask(64), out ledger))
                {
                    return;
                }
            }
            else
            {
                ledger = new SourceLedger();
                _ledgers[remote] = ledger;
            }
        }

        if (p.Direction == PacketDirection.Outbound)
        {
            ledger.AddReply(in p);
        }
        else
        {
            ledger.AddInbound(in p);
        }
    }

    public IReadOnlyList<ScannerReport> Build(string file, Func<IpProtocol, ushort, bool> isServed)
    {
        var reports = new List<ScannerReport>(_flagged.Count);
        foreach (var l in _flagged)
        {
            var v = l.Verdict!;
            var probed = new SortedSet<ushort>(v.Scan == ScanKind.Udp ? l.UdpPorts : l.TcpPorts);
            reports.Add(new ScannerReport(
                file,
                v.Source.Address,
                v.Source.ToString(),
                v.Scan,
                v.Tool,
                v.Detector,
                [.. probed],
                l.Packets,
                Math.Max(l.Hosts.Count, l.HostsBefore),
                l.FirstSeenNs,
                l.LastSeenNs,
                v.DecidedAtNs,
                [.. l.ExposedPorts(isServed)],
                v));
        }

        return reports;
    }
}
