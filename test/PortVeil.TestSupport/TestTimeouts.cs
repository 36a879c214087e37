namespace PortVeil.TestSupport;

/// <summary>Named bounds for waits in tests. A timeout bounds a wait; it never asserts speed.</summary>
public static class TestTimeouts
{
    /// <summary>A short command: ip, nft, sysctl.</summary>
    public static readonly TimeSpan Command = TimeSpan.FromSeconds(30);

    /// <summary>A whole nmap scan inside a namespace.</summary>
    public static readonly TimeSpan Scan = TimeSpan.FromMinutes(3);

    /// <summary>Waiting for an event to show up (a kernel log, a set element).</summary>
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(10);
}
