using System.Data.Common;
using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// Row → record for both backends: SQLite and PostgreSQL select the same columns in the same order (one schema,
/// one migration list), so one reader mapping serves both stores.
/// </summary>
internal static class StoredRows
{
    /// <summary>id, target address, prefix, reason, detector, scan, tool, started, expires, level, host, dry run, ended, end reason.</summary>
    public static StoredBan Ban(DbDataReader r) => new()
    {
        Ban = new BanRecord
        {
            Id = Guid.Parse(r.GetString(0)),
            Target = new BanTarget(NetAddress.Parse(r.GetString(1)), r.GetInt32(2)),
            Reason = r.GetString(3),
            Detector = StorageNames.ParseDetector(r.IsDBNull(4) ? null : r.GetString(4)),
            Scan = StorageNames.ParseScan(r.GetString(5)),
            Tool = StorageNames.ParseTool(r.GetString(6)),
            StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
            EscalationLevel = r.GetInt32(9),
            OriginHost = r.GetString(10),
            DryRun = r.GetBoolean(11),
        },
        EndedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        EndReason = StorageNames.ParseEndReason(r.IsDBNull(13) ? null : r.GetString(13)),
    };

    /// <summary>id, decided ns, source address, source kind, scan, detector, tool, verified, ban id, host, evidence JSON.</summary>
    public static StoredIncident Incident(DbDataReader r)
    {
        var source = Source(NetAddress.Parse(r.GetString(2)), r.GetInt32(3));
        var evidence = EvidenceJson.Read(r.GetString(10));
        return new StoredIncident
        {
            Id = Guid.Parse(r.GetString(0)),
            Verdict = new Verdict
            {
                Source = source,
                Scan = StorageNames.ParseScan(r.GetString(4)),
                Detector = StorageNames.ParseDetector(r.GetString(5)) ?? evidence.Detector,
                Tool = StorageNames.ParseTool(r.GetString(6)),
                DecidedAtNs = r.GetInt64(1),
                SourceVerified = r.GetBoolean(7),
                Evidence = evidence,
            },
            BanId = r.IsDBNull(8) ? null : Guid.Parse(r.GetString(8)),
            OriginHost = r.GetString(9),
        };
    }

    /// <summary>
    /// The stored (address, source_kind) pair as the key it was written from: every <see cref="SourceKeyKind"/>,
    /// IPv4 /24 subnet sources (campaign bans) included. A kind that does not fit the address's family, or an
    /// unknown kind, is a damaged row: <see cref="FormatException"/>, which both stores report as a rejected record.
    /// </summary>
    internal static SourceKey Source(NetAddress address, int kind) => (SourceKeyKind)kind switch
    {
        SourceKeyKind.IPv4 when address.IsIPv4 => SourceKey.ForAddress(address),
        SourceKeyKind.IPv6 when !address.IsIPv4 => SourceKey.ForAddress(address),
        SourceKeyKind.IPv6Prefix64 when !address.IsIPv4 => SourceKey.ForPrefix64(address),
        SourceKeyKind.IPv4Prefix24 when address.IsIPv4 => SourceKey.ForPrefix24(address),
        _ => throw new FormatException($"incident source {address} has source_kind {kind}, which does not fit it"),
    };

    /// <summary>source, bucket start, protocol, tag, packets, distinct ports, first and last seen, host, port sample.</summary>
    public static EventAggregate Event(DbDataReader r) => new()
    {
        Source = NetAddress.Parse(r.GetString(0)),
        BucketStartMs = r.GetInt64(1),
        Protocol = (IpProtocol)r.GetInt32(2),
        Tag = (PacketTag)r.GetInt32(3),
        Packets = r.GetInt64(4),
        DistinctPorts = r.GetInt32(5),
        FirstSeenMs = r.GetInt64(6),
        LastSeenMs = r.GetInt64(7),
        OriginHost = r.GetString(8) is { Length: > 0 } host ? host : null,
        Ports = r.GetString(9) is { Length: > 0 } sample ? sample : null,
    };
}
