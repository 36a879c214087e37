namespace PortVeil.Sensors;

/// <summary>What kind of offline input a file holds.</summary>
public enum CaptureFormat : byte
{
    Unknown = 0,
    Pcap = 1,
    PcapNg = 2,

    /// <summary>Kernel firewall LOG lines (syslog, journal or bare), as psad reads them.</summary>
    KernelLog = 3,
}
