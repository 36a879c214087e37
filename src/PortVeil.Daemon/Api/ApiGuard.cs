using System.Net;
using Microsoft.AspNetCore.Http;

namespace PortVeil.Daemon.Api;

/// <summary>
/// Runs before every endpoint: security headers, the Host check (DNS rebinding), the bearer token, and the
/// cross-site rules for actions. Each refusal is JSON with a sentence saying what to do.
/// </summary>
/// <remarks>
/// Why actions are safe from cross-site requests: they need the Authorization header, which a page on another
/// origin can only send after a CORS preflight that this server never answers (no CORS headers at all); they
/// need Content-Type application/json, which no HTML form can send; and a browser's Origin or Sec-Fetch-Site
/// saying "cross-site" is refused outright.
/// </remarks>
internal sealed class ApiGuard(ApiOptions options, ApiToken token, bool loopbackOnly)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";

        // Found by fuzzing (ApiFuzzProperties): a body nobody reads (a POST to a GET route, answered 405 by routing)
        // is drained by Kestrel after the answer; past MaxRequestBodyBytes it then drops the connection, and the
        // client's next request on that keep-alive connection got no answer at all. Close such connections cleanly.
        if (HasBody(context) && !IsAction(request))
        {
            headers.Connection = "close";
        }

        if (loopbackOnly && !IsLoopbackHost(request.Host))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest,
                $"Host \"{request.Host}\" is not a loopback name; this API answers only to 127.0.0.1, [::1] or localhost (a DNS-rebinding page would use its own name).");
            return;
        }

        var path = request.Path.Value ?? "/";
        var open = path is "/healthz" || (HttpMethods.IsGet(request.Method) && path is "/" or "/dashboard")
            || (path == "/metrics" && !options.MetricsRequireToken);
        if (!open && !Authorized(request))
        {
            headers.WWWAuthenticate = "Bearer realm=\"portveil\"";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized,
                request.Headers.Authorization.Count == 0
                    ? $"Authorization required: send \"Authorization: Bearer TOKEN\" with the token from {options.TokenFile} (root only)."
                    : "The bearer token is wrong.");
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var refusal = CrossSiteRefusal(request);
            if (refusal is not null)
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, refusal);
                return;
            }

            if (!IsJson(request.ContentType))
            {
                await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Actions take a JSON body: send \"Content-Type: application/json\".");
                return;
            }
        }

        await next(context);
    }

    private bool Authorized(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1)
        {
            return false;
        }

        var value = values[0].AsSpan().Trim();
        const string Scheme = "Bearer ";
        return value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && token.Matches(value[Scheme.Length..].Trim());
    }

    /// <summary>Why a state-changing request looks cross-site, or null when it does not.</summary>
    internal static string? CrossSiteRefusal(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not "same-origin" and not "none")
        {
            return $"Refused: the browser says this request is {fetchSite} (Sec-Fetch-Site); actions are accepted only from the dashboard itself or from non-browser clients.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            var expected = request.Scheme + "://" + request.Host.Value;
            if (!string.Equals(origin, expected, StringComparison.OrdinalIgnoreCase))
            {
                return $"Refused: Origin {origin} is not this API ({expected}); cross-site actions are never accepted.";
            }
        }

        return null;
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsLoopbackHost(HostString host)
    {
        var name = host.Host;
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
        }

        return IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address);
    }

    internal static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        if (HasBody(context))
        {
            // A refused body is not read (or not to its end): close rather than drain it (see InvokeAsync).
            context.Response.Headers.Connection = "close";
        }

        return context.Response.WriteAsJsonAsync(new ApiError(message), ApiJson.Options);
    }

    private static bool HasBody(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;

    private static bool IsAction(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value is "/api/v1/unban" or "/api/v1/allow";
}
