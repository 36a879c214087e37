namespace PortVeil.Core;

/// <summary>Stable lower-case names for JSON, logs and the truth files.</summary>
public static class ScanNames
{
    public static string Of(ScanKind kind) => kind switch
    {
        ScanKind.Syn => "syn",
        ScanKind.Connect => "connect",
        ScanKind.Fin => "fin",
        ScanKind.Null => "null",
        ScanKind.Xmas => "xmas",
        ScanKind.Maimon => "maimon",
        ScanKind.Ack => "ack",
        ScanKind.Window => "window",
        ScanKind.SynFin => "syn-fin",
        ScanKind.OddFlags => "odd-flags",
        ScanKind.Udp => "udp",
        ScanKind.Sctp => "sctp",
        ScanKind.IpProtocol => "ip-proto",
        ScanKind.PingSweep => "ping-sweep",
        ScanKind.Sweep => "sweep",
        ScanKind.Distributed => "distributed",
        _ => "unknown",
    };

    public static string Of(DetectorKind kind) => kind switch
    {
        DetectorKind.WindowThreshold => "window-threshold",
        DetectorKind.Trw => "trw",
        DetectorKind.SlowScan => "slow-scan",
        DetectorKind.StealthFlags => "stealth-flags",
        DetectorKind.Tripwire => "tripwire",
        DetectorKind.Sweep => "sweep",
        DetectorKind.Distributed => "distributed",
        _ => "unknown",
    };

    public static string Of(ScannerTool tool) => tool switch
    {
        ScannerTool.Nmap => "nmap",
        ScannerTool.Masscan => "masscan",
        ScannerTool.Zmap => "zmap",
        ScannerTool.Mirai => "mirai",
        ScannerTool.RawSyn => "raw-syn",
        ScannerTool.Hping => "hping",
        _ => "unknown",
    };
}
