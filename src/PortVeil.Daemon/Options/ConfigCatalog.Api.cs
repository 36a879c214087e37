using PortVeil.Daemon.Api;
using PortVeil.Daemon.Options.Types;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Api()
    {
        const string S = "api";
        return new ConfigSection(S, "The HTTP API, the live dashboard and Prometheus /metrics (docs/api.md). Loopback only unless allow_remote is set; every request but /healthz and the page itself needs the token.",
        [
            ConfigKey.Create(S, "enabled", BoolType.Instance,
                "Serve the API, dashboard and /metrics. Protection never depends on it: if it cannot start, the daemon logs why and keeps banning.",
                c => c.Api.Enabled, (c, v) => c.Api.Enabled = v, nameof(ApiOptions.Enabled)),
            ConfigKey.Create(S, "listen", ListenAddressType.Instance,
                "Address and port to listen on. Keep it on loopback and reach it through `ssh -L 9870:127.0.0.1:9870 HOST`.",
                c => c.Api.Listen, (c, v) => c.Api.Listen = v, nameof(ApiOptions.Listen)),
            ConfigKey.Create(S, "allow_remote", BoolType.Instance,
                "Permit a non-loopback listen address. The API speaks plain HTTP: put a TLS proxy in front before turning this on.",
                c => c.Api.AllowRemote, (c, v) => c.Api.AllowRemote = v, nameof(ApiOptions.AllowRemote)),
            ConfigKey.Create(S, "token_file", PathType.Instance,
                "The bearer token's file, root only (0600). Created with a random 256-bit token at first start when missing; a file others can read is refused.",
                c => c.Api.TokenFile, (c, v) => c.Api.TokenFile = v, nameof(ApiOptions.TokenFile)),
            ConfigKey.Create(S, "metrics_require_token", BoolType.Instance,
                "Require the token on /metrics too (Prometheus: `authorization: { credentials_file: ... }`). Turn off only if the metrics may be read by any local user.",
                c => c.Api.MetricsRequireToken, (c, v) => c.Api.MetricsRequireToken = v, nameof(ApiOptions.MetricsRequireToken)),
            ConfigKey.Create(S, "max_request_bytes", new IntegerType(1024, 1024 * 1024, "bytes"),
                "Largest request body accepted (actions are under 1 KiB); bigger requests get 413.",
                c => c.Api.MaxRequestBodyBytes, (c, v) => c.Api.MaxRequestBodyBytes = (int)v, nameof(ApiOptions.MaxRequestBodyBytes)),
            ConfigKey.Create(S, "max_live_clients", new IntegerType(1, 1024),
                "Live dashboard connections at once (each buffers up to 256 events); more get 503.",
                c => c.Api.MaxLiveClients, (c, v) => c.Api.MaxLiveClients = (int)v, nameof(ApiOptions.MaxLiveClients)),
        ], c => [.. c.Api.Problems(), .. Annotations(c.Api)]);
    }
}
