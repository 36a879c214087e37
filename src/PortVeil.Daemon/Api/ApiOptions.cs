using System.ComponentModel.DataAnnotations;

namespace PortVeil.Daemon.Api;

/// <summary>The HTTP API, dashboard and /metrics ([api]). Defaults: <see cref="ApiOptionsDefaults"/>.</summary>
public sealed class ApiOptions
{
    public bool Enabled { get; set; } = ApiOptionsDefaults.Enabled;

    /// <summary>"127.0.0.1:9870" or "[::1]:9870"; port 0 picks a free port (tests).</summary>
    public string Listen { get; set; } = ApiOptionsDefaults.Listen;

    /// <summary>Permits a non-loopback <see cref="Listen"/> address.</summary>
    public bool AllowRemote { get; set; } = ApiOptionsDefaults.AllowRemote;

    /// <summary>The bearer token's file; created 0600 with a random token when missing.</summary>
    public string TokenFile { get; set; } = ApiOptionsDefaults.TokenFile;

    public bool MetricsRequireToken { get; set; } = ApiOptionsDefaults.MetricsRequireToken;

    [Range(1024, 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = ApiOptionsDefaults.MaxRequestBodyBytes;

    [Range(1, 1024)]
    public int MaxLiveClients { get; set; } = ApiOptionsDefaults.MaxLiveClients;

    /// <summary>Every problem with these settings; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!ApiListenAddress.TryParse(Listen, out var endpoint, out var error))
        {
            problems.Add(error);
        }
        else if (!AllowRemote && !System.Net.IPAddress.IsLoopback(endpoint.Address))
        {
            problems.Add($"Listen {Listen} is not a loopback address; the API would be reachable from the network. Set allow_remote = true to mean it (and put TLS in front)");
        }

        if (!TokenFile.StartsWith('/'))
        {
            problems.Add($"TokenFile \"{TokenFile}\" is not an absolute path");
        }

        return problems;
    }
}
