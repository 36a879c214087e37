using CsCheck;
using PortVeil.Core;

namespace PortVeil.Storage.Tests;

public sealed class EvidenceRoundTripPropertyTests : IDisposable
{
    private static readonly Gen<double> AnyScore = Gen.OneOf(
        Gen.Double,
        Gen.OneOfConst(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue));

    // Printable ASCII plus the characters detector summaries use and the ones JSON must escape.
    private static readonly Gen<string> Text = Gen.String[
        Gen.OneOf(Gen.Char[' ', '~'], Gen.OneOfConst('Λ', '≥', 'é', '→', '\n', '\t', '"', '\\', '\0', '\u2028')), 0, 80];

    private static readonly Gen<NetAddress> AnyAddress = Gen.OneOf(
        Gen.UInt.Select(NetAddress.FromV4),
        Gen.Select(Gen.ULong, Gen.ULong, (h, l) => new NetAddress(h, l)));

    private static readonly Gen<Evidence> AnyEvidence =
        Gen.Select(Gen.Enum<DetectorKind>(), AnyScore, AnyScore, Text, Gen.Int[0, 100_000], Gen.UShort.Array[0, 64], Gen.UShort.Array[0, 64], Gen.UShort.Array[0, 16])
            .Select(
                Gen.Select(Gen.Byte, Gen.Enum<ScannerTool>(), Text.Null(), Gen.Int[0, 1 << 24], AnyAddress.Array[0, 8], Gen.Long, Gen.Long),
                (a, b) => new Evidence
                {
                    Detector = a.Item1,
                    Score = a.Item2,
                    Threshold = a.Item3,
                    Summary = a.Item4,
                    Probes = a.Item5,
                    PortsProbed = a.Item6,
                    ClosedPorts = a.Item7,
                    OpenPortsReached = a.Item8,
                    FlagsSeen = (TcpFlags)b.Item1,
                    Tool = b.Item2,
                    FingerprintDetail = b.Item3,
                    HostsProbed = b.Item4,
                    GroupMembers = b.Item5,
                    FirstSeenNs = b.Item6,
                    LastSeenNs = b.Item7,
                });

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Any_evidence_survives_its_json_shape()
    {
        AnyEvidence.Sample(e => Assertions.SameEvidence(e, EvidenceJson.Read(EvidenceJson.Write(e))), iter: 2000);
    }

    [Fact]
    public void Any_incident_round_trips_through_a_real_database()
    {
        using var store = _db.Open();
        var gen = Gen.Select(AnyEvidence, AnyAddress, Gen.Bool, Gen.Long[0, 4_000_000_000_000_000_000L], Gen.Enum<ScanKind>());
        gen.Sample(
            x =>
            {
                var (evidence, address, prefix, decidedNs, scan) = x;
                var source = prefix && !address.IsIPv4 ? SourceKey.ForPrefix64(address) : SourceKey.ForAddress(address);
                var incident = new IncidentRecord
                {
                    Id = Guid.NewGuid(),
                    OriginHost = "host-a",
                    Verdict = new Verdict
                    {
                        Source = source,
                        Scan = scan,
                        Detector = evidence.Detector,
                        Tool = evidence.Tool,
                        DecidedAtNs = decidedNs,
                        Evidence = evidence,
                    },
                };
                store.RecordIncidentAsync(incident).GetAwaiter().GetResult();

                var read = store.ListIncidentsBySourceAsync(source, limit: 1000).GetAwaiter().GetResult().Single(i => i.Id == incident.Id);

                Assert.Equal(source, read.Verdict.Source);
                Assert.Equal(scan, read.Verdict.Scan);
                Assert.Equal(decidedNs, read.Verdict.DecidedAtNs);
                Assertions.SameEvidence(evidence, read.Verdict.Evidence);
            },
            iter: 300);
    }
}
