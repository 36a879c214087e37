using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>Token authentication, the Host check and the cross-site rules, against the real server on loopback.</summary>
public class ApiAuthTests
{
    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/api/v1/bans" },
        { "GET", "/api/v1/incidents" },
        { "GET", "/api/v1/stats" },
        { "GET", "/api/v1/live" },
        { "GET", "/metrics" },
        { "POST", "/api/v1/unban" },
        { "POST", "/api/v1/allow" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Every_endpoint_without_a_token_gets_401_with_a_bearer_challenge(string method, string path)
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{\"target\":\"203.0.113.7\"}", Encoding.UTF8, "application/json");
        }

        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var error = await ErrorAsync(response);
        Assert.Contains("Authorization: Bearer", error, StringComparison.Ordinal);
        Assert.Contains("api.token", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer not-the-token-at-all-0123456789")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    public async Task A_wrong_token_or_scheme_gets_401(string authorization)
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_token_with_a_different_last_character_is_refused()
    {
        await using var api = await TestApi.StartAsync();
        var almost = api.Token.Value[..^1] + (api.Token.Value[^1] == 'A' ? 'B' : 'A');
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", almost);
        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_right_token_is_accepted()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Authorized.GetAsync(new Uri("/api/v1/stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_probe_and_dashboard_page_need_no_token_and_the_page_loads_nothing_from_elsewhere()
    {
        await using var api = await TestApi.StartAsync();
        using var health = await api.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());

        using var page = await api.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>PortVeil</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Token.Value, html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_cross_site_action_is_refused_even_with_the_token(string header, string value)
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/unban")
        {
            Content = new StringContent("{\"target\":\"203.0.113.7\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await api.Authorized.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Refused", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "target=203.0.113.7")]
    [InlineData("text/plain", "{\"target\":\"203.0.113.7\"}")]
    [InlineData("multipart/form-data; boundary=x", "--x--")]
    public async Task An_action_that_an_html_form_could_send_is_refused_with_415(string contentType, string body)
    {
        await using var api = await TestApi.StartAsync();
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await api.Authorized.PostAsync(new Uri("/api/v1/unban", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_naming_another_host_is_refused_against_dns_rebinding()
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.Host = "attacker.example:" + api.Server.BaseAddress.Port;
        using var response = await api.Authorized.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("loopback", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_carry_no_cors_headers_and_forbid_framing()
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/unban");
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type");
        using var preflight = await api.Client.SendAsync(request);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflight.IsSuccessStatusCode);

        using var stats = await api.Authorized.GetAsync(new Uri("/api/v1/stats", UriKind.Relative));
        Assert.False(stats.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("DENY", stats.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", stats.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_api_on_ipv6_loopback_accepts_its_bracketed_host()
    {
        await using var api = await TestApi.StartAsync(o => o.Listen = "[::1]:0");
        Assert.Equal("[::1]", api.Server.BaseAddress.Host);
        using var response = await api.Authorized.GetAsync(new Uri("/api/v1/stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_can_be_opened_to_any_local_reader_when_configured()
    {
        await using var api = await TestApi.StartAsync(o => o.MetricsRequireToken = false);
        using var metrics = await api.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        using var bans = await api.Client.GetAsync(new Uri("/api/v1/bans", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, bans.StatusCode);
    }

    internal static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
