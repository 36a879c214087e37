using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Api;

public sealed partial class ApiServer
{
    /// <summary>Allow comments are shown in lists and logs; 200 characters is a sentence, not a document.</summary>
    private const int MaxCommentLength = 200;

    partial void MapActions(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/unban", UnbanAsync);
        app.MapPost("/api/v1/allow", AllowAsync);
    }

    private async Task UnbanAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<UnbanRequest>(context);
        var target = body is null ? null : await TryPrefixAsync(context, "target", body.Target);
        if (target is null)
        {
            return;
        }

        if (_context.Actions is not { } actions)
        {
            await UnavailableAsync(context);
            return;
        }

        var result = await actions.UnbanAsync(target.Value, context.RequestAborted);
        if (result.Succeeded)
        {
            _context.Metrics.Unban();
            _context.Feed.Publish("unban", new LiveChange(Describe(target.Value), null, "api"));
        }

        await RespondAsync(context, result);
    }

    private async Task AllowAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<AllowRequest>(context);
        var network = body is null ? null : await TryPrefixAsync(context, "network", body.Network);
        if (body is null || network is null)
        {
            return;
        }

        if (_context.Actions is not { } actions)
        {
            await UnavailableAsync(context);
            return;
        }

        if (body.Comment is { Length: > MaxCommentLength } || (body.Comment?.Any(char.IsControl) ?? false))
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, $"comment: at most {MaxCommentLength} characters on one line.");
            return;
        }

        var result = await actions.AllowAsync(network.Value, body.Comment, context.RequestAborted);
        if (result.Succeeded)
        {
            _context.Feed.Publish("allow", new LiveChange(Describe(network.Value), body.Comment, "api"));
        }

        await RespondAsync(context, result);
    }

    /// <summary>GET /api/v1/explain/ADDRESS: `portveil explain ban ADDRESS`, kernel rule included.</summary>
    private async Task ExplainAsync(HttpContext context)
    {
        var text = context.Request.RouteValues["address"] as string ?? "";
        if (!Core.NetAddress.TryParse(text, out var address))
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, $"\"{Truncate(text)}\" is not an IP address such as \"203.0.113.7\" or \"2001:db8::7\".");
            return;
        }

        if (_context.Actions is not { } actions)
        {
            await UnavailableAsync(context);
            return;
        }

        var e = await actions.ExplainBanAsync(address, context.RequestAborted);
        context.Response.StatusCode = e.Ban is null && e.Incidents.Count == 0 ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new ExplainView(address.ToString(), e.Active, e.Ban?.Ban.Target.ToString(), e.KernelSet, e.Account),
            ApiJson.Options, context.RequestAborted);
    }

    private static Task RespondAsync(HttpContext context, Operations.OperatorResult result)
    {
        context.Response.StatusCode = ActionResponse.HttpStatus(result.Status);
        return context.Response.WriteAsJsonAsync(ActionResponse.From(result), ApiJson.Options, context.RequestAborted);
    }

    private static Task UnavailableAsync(HttpContext context) =>
        ApiGuard.RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Actions are not available yet: the daemon is still starting. Try again in a few seconds.");

    /// <summary>The prefix in a body field, or null after writing 400 naming the field and what is accepted.</summary>
    private static async Task<NetPrefix?> TryPrefixAsync(HttpContext context, string field, string? text)
    {
        // Found by fuzzing (ApiFuzzProperties): `{"target":null}` passes `required` (JSON null is a value) and
        // reached Truncate(null), a 500. The annotation says non-null; the wire does not have to agree.
        if (text is null)
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"{field}: null; expected an IP address or network such as \"203.0.113.7\", \"198.51.100.0/24\" or \"2001:db8::/64\".");
            return null;
        }

        if (NetPrefix.TryParse(text.AsSpan().Trim(), out var prefix))
        {
            return prefix;
        }

        await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest,
            $"{field}: \"{Truncate(text)}\" is not an IP address or network such as \"203.0.113.7\", \"198.51.100.0/24\" or \"2001:db8::/64\".");
        return null;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static string Describe(NetPrefix p) => p.IsSingleAddress ? p.Network.ToString() : $"{p.Network}/{p.Length}";
}
