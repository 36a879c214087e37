using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PortVeil.Daemon.Notifications;

/// <summary>
/// The signature of a webhook request: HMAC-SHA256, keyed with the webhook's secret, over
/// "&lt;timestamp&gt;.&lt;raw body&gt;", sent as <c>X-PortVeil-Signature: sha256=&lt;lowercase hex&gt;</c> next to
/// <c>X-PortVeil-Timestamp: &lt;unix seconds&gt;</c>. Signing the timestamp with the body lets a receiver refuse
/// replays: it checks the signature, then that the timestamp is within a few minutes of its clock.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-PortVeil-Signature";
    public const string TimestampHeader = "X-PortVeil-Timestamp";
    public const string EventHeader = "X-PortVeil-Event";
    public const string DeliveryHeader = "X-PortVeil-Delivery";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: constant-time comparison, then the timestamp within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (timestampHeader is null || signatureHeader is null ||
            !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, actual) &&
            Math.Abs(now.ToUnixTimeSeconds() - ts) <= (long)tolerance.TotalSeconds;
    }
}
