using System.Net;
using System.Text;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>What the API fuzzing (ApiFuzzProperties) found, kept so it stays fixed.</summary>
public class ApiFuzzRegressionTests
{
    [Theory]
    [InlineData("/api/v1/bans")]
    [InlineData("/api/v1/stats")]
    [InlineData("/no/such/route")]
    public async Task Fuzz_finding_an_unread_body_past_the_limit_does_not_leave_the_next_request_unanswered(string path)
    {
        await using var api = await TestApi.StartAsync();
        // 25 KB (the limit is 16 KiB) to a route that never reads a body: routing answers 405 or 404 before any read.
        var big = "{\"network\":\"198.51.100.0/24\",\"comment\":\"" + new string('x', 25_000) + "\"}";
        using (var refused = await api.Authorized.PostAsync(new Uri(path, UriKind.Relative), new StringContent(big, Encoding.UTF8, "application/json")))
        {
            Assert.True(refused.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, refused.StatusCode.ToString());
            Assert.True(refused.Headers.ConnectionClose, "the connection whose body was not read is closed, not drained");
        }

        // The same client's next request used to reuse that connection and get "The response ended prematurely".
        using var next = await api.Authorized.PostAsync(new Uri("/api/v1/unban", UriKind.Relative),
            new StringContent("{\"target\":\"198.51.100.1\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, next.StatusCode);
        Assert.Contains("198.51.100.1 is not banned", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/unban", "{\"target\":null}", "target: null")]
    [InlineData("/api/v1/allow", "{\"network\":null}", "network: null")]
    [InlineData("/api/v1/allow", "{\"network\":null,\"comment\":null}", "network: null")]
    public async Task Fuzz_finding_a_null_address_field_is_400_naming_the_field_not_500(string path, string body, string says)
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Authorized.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, await ApiAuthTests.ErrorAsync(response), StringComparison.Ordinal);
        Assert.Empty(await api.Store.ListAllowAsync());
    }
}
