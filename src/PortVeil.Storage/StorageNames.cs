using System.Collections.Frozen;
using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// Enum values are stored by their stable lower-case names (<see cref="ScanNames"/>), not by number, so a row
/// stays readable in `sqlite3`/`psql` and survives enum reordering.
/// </summary>
internal static class StorageNames
{
    private static readonly FrozenDictionary<string, ScanKind> Scans = Build<ScanKind>(ScanNames.Of);
    private static readonly FrozenDictionary<string, DetectorKind> Detectors = Build<DetectorKind>(ScanNames.Of);
    private static readonly FrozenDictionary<string, ScannerTool> Tools = Build<ScannerTool>(ScanNames.Of);
    private static readonly FrozenDictionary<string, BanEndReason> EndReasons = Build<BanEndReason>(Of);

    private static readonly (TcpFlags Flag, string Name)[] FlagNames =
    [
        (TcpFlags.Fin, "fin"), (TcpFlags.Syn, "syn"), (TcpFlags.Rst, "rst"), (TcpFlags.Psh, "psh"),
        (TcpFlags.Ack, "ack"), (TcpFlags.Urg, "urg"), (TcpFlags.Ece, "ece"), (TcpFlags.Cwr, "cwr"),
    ];

    public static string Of(BanEndReason reason) => reason switch
    {
        BanEndReason.Expired => "expired",
        BanEndReason.Unbanned => "unbanned",
        BanEndReason.Superseded => "superseded",
        BanEndReason.Allowlisted => "allowlisted",
        _ => "unknown",
    };

    public static string Of(FleetImportOutcome outcome) => outcome switch
    {
        FleetImportOutcome.Enforced => "enforced",
        FleetImportOutcome.Allowlisted => "allowlisted",
        FleetImportOutcome.AwaitingConsensus => "awaiting_consensus",
        _ => "unknown",
    };

    public static FleetImportOutcome ParseOutcome(string name) => name switch
    {
        "allowlisted" => FleetImportOutcome.Allowlisted,
        "awaiting_consensus" => FleetImportOutcome.AwaitingConsensus,
        _ => FleetImportOutcome.Enforced,
    };

    public static ScanKind ParseScan(string name) => Scans.GetValueOrDefault(name, ScanKind.Unknown);

    public static DetectorKind? ParseDetector(string? name) =>
        name is not null && Detectors.TryGetValue(name, out var d) ? d : null;

    public static ScannerTool ParseTool(string name) => Tools.GetValueOrDefault(name, ScannerTool.Unknown);

    public static BanEndReason? ParseEndReason(string? name) =>
        name is not null && EndReasons.TryGetValue(name, out var r) ? r : null;

    public static IReadOnlyList<(TcpFlags Flag, string Name)> Flags => FlagNames;

    public static TcpFlags ParseFlag(string name)
    {
        foreach (var (flag, n) in FlagNames)
        {
            if (n == name)
            {
                return flag;
            }
        }

        return TcpFlags.None;
    }

    private static FrozenDictionary<string, T> Build<T>(Func<T, string> name)
        where T : struct, Enum
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            map.TryAdd(name(value), value);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
