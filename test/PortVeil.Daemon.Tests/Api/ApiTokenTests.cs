using System.Runtime.Versioning;
using PortVeil.Daemon.Api;

namespace PortVeil.Daemon.Tests.Api;

[SupportedOSPlatform("linux")]
public sealed class ApiTokenTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"pv-token-{Guid.NewGuid():N}");

    [Fact]
    public void A_missing_token_file_is_created_0600_with_a_256_bit_token_and_read_back_the_same()
    {
        var path = Path.Combine(_dir, "etc", "api.token");
        var created = ApiToken.LoadOrCreate(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(43, created.Value.Length);
        Assert.Equal(created.Value + "\n", File.ReadAllText(path));
        var again = ApiToken.LoadOrCreate(path);
        Assert.Equal(created.Value, again.Value);
        Assert.NotEqual(created.Value, ApiToken.LoadOrCreate(Path.Combine(_dir, "other.token")).Value);
    }

    [Fact]
    public void A_token_file_that_others_can_read_is_refused_with_the_fix()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "api.token");
        File.WriteAllText(path, ApiToken.Generate().Value);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var e = Assert.Throws<InvalidOperationException>(() => ApiToken.LoadOrCreate(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("two words in one token file here")]
    public void A_weak_or_malformed_token_is_refused(string content)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "api.token");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var e = Assert.Throws<InvalidOperationException>(() => ApiToken.LoadOrCreate(path));
        Assert.Contains("too short or contains spaces", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_accepts_only_the_exact_token()
    {
        var token = ApiToken.FromValue("abcdefghijklmnopqrstuvwxyz012345");
        Assert.True(token.Matches("abcdefghijklmnopqrstuvwxyz012345"));
        Assert.False(token.Matches("abcdefghijklmnopqrstuvwxyz01234"));
        Assert.False(token.Matches("abcdefghijklmnopqrstuvwxyz0123456"));
        Assert.False(token.Matches("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
        Assert.False(token.Matches(""));
        Assert.False(token.Matches(new string('a', 5000)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
