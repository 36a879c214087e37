using System.Net;
using System.Text;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>POST /api/v1/unban and /api/v1/allow over real OperatorActions and a real database (no kernel here; the
/// kernel side is in IntegrationTests ApiEndToEndTests).</summary>
public class ApiActionTests
{
    [Fact]
    public async Task Unban_ends_the_stored_ban_and_tells_live_clients()
    {
        await using var api = await TestApi.StartAsync();
        var ban = await api.StoreBanAsync("203.0.113.7", DateTimeOffset.UtcNow.AddMinutes(-1), [22, 23], []);
        var live = api.Feed.Subscribe()!;

        using var response = await PostAsync(api, "/api/v1/unban", "{\"target\":\"203.0.113.7\"}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("done", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("bansEnded").GetInt32());
        Assert.Contains("Unbanned 203.0.113.7", json.RootElement.GetProperty("message").GetString()!, StringComparison.Ordinal);

        Assert.Empty(await api.Store.ListActiveBansAsync(DateTimeOffset.UtcNow));
        var history = await api.Store.ListBanHistoryAsync(ban.Target);
        Assert.Equal(BanEndReason.Unbanned, Assert.Single(history).EndReason);
        Assert.True(live.TryRead(out var message));
        Assert.Equal("unban", message.Type);
        Assert.Contains("\"target\":\"203.0.113.7\"", message.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unban_of_an_address_that_is_not_banned_is_404_with_the_reason()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await PostAsync(api, "/api/v1/unban", "{\"target\":\"198.51.100.1\"}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not-found", json.RootElement.GetProperty("status").GetString());
        Assert.Contains("198.51.100.1 is not banned", json.RootElement.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_stores_the_network_and_lifts_the_bans_inside_it()
    {
        await using var api = await TestApi.StartAsync();
        await api.StoreBanAsync("198.51.100.20", DateTimeOffset.UtcNow.AddMinutes(-1), [22, 23], []);
        await api.StoreBanAsync("203.0.113.9", DateTimeOffset.UtcNow.AddMinutes(-1), [22, 23], []);

        using var response = await PostAsync(api, "/api/v1/allow", "{\"network\":\"198.51.100.0/24\",\"comment\":\"office\"}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("Allowed 198.51.100.0/24", body, StringComparison.Ordinal);

        var active = await api.Store.ListActiveBansAsync(DateTimeOffset.UtcNow);
        Assert.Equal("203.0.113.9", Assert.Single(active).Ban.Target.ToString());
        var allowed = await api.Store.ListAllowAsync();
        var entry = Assert.Single(allowed);
        Assert.Equal("198.51.100.0/24", entry.Block.ToString());
        Assert.Equal("office", entry.Comment);
    }

    [Fact]
    public async Task Allowing_every_address_is_refused_with_409()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await PostAsync(api, "/api/v1/allow", "{\"network\":\"0.0.0.0/0\"}");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("turn PortVeil off", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await api.Store.ListAllowAsync());
    }

    [Theory]
    [InlineData("{\"target\":", "Malformed JSON body")]
    [InlineData("not json", "Malformed JSON body")]
    [InlineData("", "Malformed JSON body")]
    [InlineData("null", "JSON null")]
    [InlineData("{}", "missing required properties")]
    [InlineData("{\"target\":\"203.0.113.7\",\"extra\":1}", "extra")]
    [InlineData("{\"target\":42}", "Malformed JSON body")]
    [InlineData("{\"target\":\"not-an-address\"}", "target: \"not-an-address\" is not an IP address")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "Malformed JSON body")]
    public async Task A_malformed_action_body_gets_400_with_a_clear_message(string body, string says)
    {
        await using var api = await TestApi.StartAsync();
        using var response = await PostAsync(api, "/api/v1/unban", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, await ApiAuthTests.ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_before_it_is_read()
    {
        await using var api = await TestApi.StartAsync();
        var big = "{\"network\":\"198.51.100.0/24\",\"comment\":\"" + new string('x', 20_000) + "\"}";
        using var response = await PostAsync(api, "/api/v1/allow", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("16384", await ApiAuthTests.ErrorAsync(response), StringComparison.Ordinal);
        Assert.Empty(await api.Store.ListAllowAsync());
    }

    [Fact]
    public async Task An_oversized_chunked_body_without_a_length_is_cut_off_with_413()
    {
        await using var api = await TestApi.StartAsync();
        var big = Encoding.UTF8.GetBytes("{\"network\":\"198.51.100.0/24\",\"comment\":\"" + new string('x', 20_000) + "\"}");
        using var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/allow") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await api.Authorized.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await api.Store.ListAllowAsync());
    }

    [Fact]
    public async Task A_comment_longer_than_a_line_is_refused()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await PostAsync(api, "/api/v1/allow", "{\"network\":\"198.51.100.0/24\",\"comment\":\"a\\nb\"}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("comment", await ApiAuthTests.ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_origin_dashboard_may_act()
    {
        await using var api = await TestApi.StartAsync();
        await api.StoreBanAsync("203.0.113.7", DateTimeOffset.UtcNow.AddMinutes(-1), [22, 23], []);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/unban")
        {
            Content = new StringContent("{\"target\":\"203.0.113.7\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Origin", api.Server.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var response = await api.Authorized.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static Task<HttpResponseMessage> PostAsync(TestApi api, string path, string json)
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        return api.Authorized.PostAsync(new Uri(path, UriKind.Relative), content);
    }
}
