namespace PortVeil.Enforcement.Allowlist;

/// <summary>Every default of <see cref="AllowlistOptions"/>, each with the reason for its value.</summary>
public static class AllowlistOptionsDefaults
{
    /// <summary>
    /// Read the calling thread's view of /proc/net, not /proc/net (which shows the main thread's namespace): a
    /// daemon or test that joined a network namespace with setns(2) sees that namespace's routes and sockets.
    /// </summary>
    public const string ProcNetDirectory = "/proc/thread-self/net";

    /// <summary>The standard SSH port; add others when sshd listens elsewhere (sshd_config Port).</summary>
    public const ushort SshPort = 22;

    /// <summary>The resolver list every libc reads.</summary>
    public const string ResolvConf = "/etc/resolv.conf";

    /// <summary>
    /// systemd-resolved points /etc/resolv.conf at its stub 127.0.0.53 (loopback, never banned anyway) and keeps the
    /// real upstream servers here; missing on hosts without systemd-resolved, which is fine.
    /// </summary>
    public const string SystemdResolvConf = "/run/systemd/resolve/resolv.conf";

    /// <summary>
    /// A connection to sshd counts as the admin's session once it has stayed ESTABLISHED this long. sshd drops a
    /// connection that has not authenticated within LoginGraceTime (120 s by default), so an older connection is a
    /// logged-in session; a scanner that merely completes a handshake to port 22 gains nothing. Sessions already
    /// open when the daemon starts count at once (the admin who started it).
    /// </summary>
    public const double SshSessionMinAgeSeconds = 120;

    /// <summary>The daemon re-runs discovery every 5 s: a new SSH session or a DHCP gateway change is covered within 5 s.</summary>
    public const double RefreshSeconds = 5;
}
