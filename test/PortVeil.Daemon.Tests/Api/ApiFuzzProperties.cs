using System.Net;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>
/// Hostile requests against the real API server on real Kestrel (127.0.0.1): random and mutated JSON bodies, deep and
/// huge documents, wrong and broken content types, random methods, paths and query strings, and raw bytes that are
/// not quite HTTP. Every answer is below 500, and the server still answers /healthz afterwards. Short runs here;
/// PORTVEIL_FUZZ_SECONDS for the long run (see Fuzz).
/// </summary>
public class ApiFuzzProperties
{
    private const int MaxBody = PortVeil.Daemon.Api.ApiOptionsDefaults.MaxRequestBodyBytes;

    private static readonly string[] ValidBodies =
    [
        "{\"target\":\"203.0.113.7\"}",
        "{\"target\":\"2001:db8::/64\"}",
        "{\"network\":\"198.51.100.0/24\",\"comment\":\"office\"}",
        "{\"network\":\"2001:db8::1\"}",
    ];

    private static readonly Gen<string> JsonPiece = Gen.OneOfConst(
        "{", "}", "[", "]", ",", ":", "\"", "\"target\"", "\"network\"", "\"comment\"", "\"extra\"", "null", "true", "false",
        "0", "-1", "1e999", "1.5", "\"203.0.113.7\"", "\"0.0.0.0/0\"", "\"::/0\"", "\"198.51.100.0/33\"", "\"2001:db8::/129\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\n\"", "\"a\\nb\"", " ", "\n", "\u00e9", "\ufeff", "/*", "*/", "//");

    /// <summary>Bodies: mutated valid ones, token soup, wrong types, deep nesting, long strings, raw random bytes.</summary>
    private static readonly Gen<byte[]> Body = Gen.OneOf(
        Gen.Select(Gen.Int[0, ValidBodies.Length - 1], Gen.Int[0, int.MaxValue].Array[0, 6], Gen.Int[0, 80], (i, flips, cut) =>
        {
            var bytes = Encoding.UTF8.GetBytes(ValidBodies[i]);
            foreach (var f in flips)
            {
                bytes[f % bytes.Length] ^= (byte)(1 << (f >> 28 & 7));
            }

            return bytes[..Math.Min(cut, bytes.Length)];
        }),
        JsonPiece.Array[0, 40].Select(p => Encoding.UTF8.GetBytes(string.Concat(p))),
        Gen.Select(Gen.OneOfConst("target", "network", "comment"), JsonPiece, Gen.Bool, (key, value, other) =>
            Encoding.UTF8.GetBytes("{\"" + key + "\":" + value + (other ? ",\"network\":\"192.0.2.0/24\"" : "") + "}")),
        Gen.Select(Gen.Int[1, 100_000], Gen.Bool, (depth, array) =>
            Encoding.UTF8.GetBytes(array ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"target\":", depth)))),
        Gen.Select(Gen.Int[0, 40_000], Gen.Char, (length, c) =>
            Encoding.UTF8.GetBytes("{\"network\":\"198.51.100.0/24\",\"comment\":\"" + new string(c, length) + "\"}")),
        Gen.Byte.Array[0, 300]);

    private static readonly Gen<string?> ContentType = Gen.OneOfConst<string?>(
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=nope",
        "APPLICATION/JSON", "application/problem+json", "text/json", "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "multipart/form-data", "application/json;;;", ";", "", "*/*", null);

    private static readonly Gen<string> Query = Gen.String[Gen.Char, 0, 24].Select(Uri.EscapeDataString);

    private static readonly Gen<string> PathAndQuery = Gen.OneOf(
        Gen.OneOfConst("/api/v1/unban", "/api/v1/allow", "/api/v1/stats", "/metrics", "/healthz", "/", "/dashboard",
            "/api/v1/bans", "/api/v1/incidents", "/api/v1/explain/", "/api/v1/unban/", "/api//v1/unban", "/API/V1/UNBAN"),
        Query.Select(q => "/api/v1/bans?limit=" + q),
        Gen.Select(Query, Query, (since, limit) => "/api/v1/incidents?since=" + since + "&limit=" + limit),
        Query.Select(a => "/api/v1/explain/" + a),
        Query.Select(q => "/api/v1/" + q));

    private static readonly Gen<HttpMethod> Method = Gen.OneOfConst(
        HttpMethod.Post, HttpMethod.Post, HttpMethod.Post, HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch,
        HttpMethod.Head, HttpMethod.Options);

    [Fact]
    public async Task Hostile_requests_get_an_answer_below_500_and_the_server_keeps_serving()
    {
        await using var api = await TestApi.StartAsync();
        await api.StoreBanAsync("203.0.113.7", DateTimeOffset.UtcNow.AddMinutes(-1), [22, 23], []);
        var statuses = new SortedDictionary<int, int>();
        var previous = "";
        Fuzz.Run(Gen.Select(Method, PathAndQuery, ContentType, Body), (method, path, type, body) =>
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (method != HttpMethod.Get && method != HttpMethod.Head)
            {
                var content = new ByteArrayContent(body);
                if (type is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", type);
                }

                request.Content = content;
            }

            HttpResponseMessage response;
            try
            {
                response = api.Authorized.Send(request, HttpCompletionOption.ResponseHeadersRead);
            }
            catch (HttpRequestException e) when (body.Length > MaxBody && e.InnerException is IOException)
            {
                // Kestrel refuses a body past the limit without reading it and closes the connection, so a client
                // still uploading sees a broken pipe or reset instead of the 413. The next request must still work.
                previous = $"{method} {path} ({type}, {body.Length} bytes) -> connection closed while uploading";
                statuses[0] = statuses.GetValueOrDefault(0) + 1;
                return;
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"{method} {path} ({type}, {body.Length} bytes) after {previous}: {e.InnerException?.Message}", e);
            }

            var status = (int)response.StatusCode;
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(status < 500, $"{method} {path} ({type}, {body.Length} bytes) -> {status}: {text}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            response.Dispose();
            previous = $"{method} {path} ({type}, {body.Length} bytes) -> {status}";
        }, 600);

        Assert.Equal("ok\n", await api.Client.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        // The generator reaches the parsers, not just the guards: both refusals and successes happened.
        Assert.Contains(400, statuses.Keys);
        Assert.Contains(statuses.Keys, s => s is >= 200 and < 300);
    }

    [Fact]
    public async Task Mutated_raw_HTTP_requests_never_get_a_5xx_and_never_stop_the_server()
    {
        await using var api = await TestApi.StartAsync();
        var authority = api.Server.BaseAddress.GetLeftPart(UriPartial.Authority)["http://".Length..];
        var valid = Encoding.ASCII.GetBytes(
            "POST /api/v1/unban HTTP/1.1\r\nHost: " + authority + "\r\nAuthorization: Bearer " + api.Token.Value
            + "\r\nContent-Type: application/json\r\nContent-Length: 24\r\nConnection: close\r\n\r\n{\"target\":\"203.0.113.7\"}");
        var endpoint = new IPEndPoint(IPAddress.Loopback, api.Server.BaseAddress.Port);
        Fuzz.Run(Gen.Select(Gen.Int[0, int.MaxValue].Array[0, 8], Gen.Int[0, valid.Length], Gen.Byte.Array[0, 8]), (flips, cut, insert) =>
        {
            var bytes = (byte[])valid.Clone();
            foreach (var f in flips)
            {
                bytes[f % bytes.Length] ^= (byte)(1 << (f >> 28 & 7));
            }

            bytes = [.. bytes[..cut], .. insert, .. bytes[cut..]];
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
            socket.Connect(endpoint);
            socket.Send(bytes);
            socket.Shutdown(SocketShutdown.Send);
            var answer = new byte[64];
            int read;
            try
            {
                read = socket.Receive(answer);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset)
            {
                read = 0; // Kestrel may reset a connection it refuses; that is not a 5xx.
            }

            // 505 is Kestrel's protocol answer to a mangled "HTTP/1.x" version (RFC 9110 15.6.6), not a server fault.
            var status = Encoding.ASCII.GetString(answer, 0, read);
            Assert.True(!status.StartsWith("HTTP/1.1 5", StringComparison.Ordinal) || status.StartsWith("HTTP/1.1 505 ", StringComparison.Ordinal), status);
        }, 300);

        Assert.Equal("ok\n", await api.Client.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
    }
}
