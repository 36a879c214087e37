namespace PortVeil.Daemon.Api;

/// <summary>Defaults of <see cref="ApiOptions"/>, with their reasons.</summary>
public static class ApiOptionsDefaults
{
    /// <summary>On: the dashboard is how a self-hoster sees what PortVeil does; it listens on loopback only.</summary>
    public const bool Enabled = true;

    /// <summary>
    /// Loopback, so nothing outside the host reaches it (use an SSH tunnel: `ssh -L 9870:127.0.0.1:9870 host`).
    /// 9870 is unassigned by IANA and clear of the Prometheus exporter range (9100..9999 is crowded, 9870 is free there).
    /// </summary>
    public const string Listen = "127.0.0.1:9870";

    /// <summary>Off: a non-loopback listen address is refused unless the operator says so explicitly.</summary>
    public const bool AllowRemote = false;

    /// <summary>Beside the configuration file; created 0600 (root only) at first start or by the install script.</summary>
    public const string TokenFile = "/etc/portveil/api.token";

    /// <summary>On: Prometheus sends the token too (`authorization: credentials_file:` in its scrape config).</summary>
    public const bool MetricsRequireToken = true;

    /// <summary>
    /// 16 KiB per request body: the largest action body (an allow with a comment) is under 1 KiB, so anything
    /// bigger is a mistake or an attack and gets 413 before it is read.
    /// </summary>
    public const int MaxRequestBodyBytes = 16 * 1024;

    /// <summary>Live dashboard connections at once; each holds a 256-message buffer (a few hundred KB at most).</summary>
    public const int MaxLiveClients = 16;
}
