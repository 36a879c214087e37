using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PortVeil.Daemon.Api;

/// <summary>
/// The API's bearer token: 32 random bytes as base64url (43 characters), kept in a root-only file. Compared in
/// constant time (over SHA-256 digests, so not even the length leaks).
/// </summary>
public sealed class ApiToken
{
    /// <summary>Tokens shorter than this are refused: 128 bits of randomness written as base64 is 22 characters.</summary>
    public const int MinimumLength = 22;

    private readonly byte[] _digest;

    private ApiToken(string value)
    {
        Value = value;
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>The token itself (the dashboard link and tests need it; never logged).</summary>
    public string Value { get; }

    public static ApiToken Generate() => new(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));

    /// <summary>
    /// Reads the token file, or creates it 0600 with a new token when missing (its directory 0755, as /etc/portveil
    /// holds the configuration too). A file that group or others can read is refused: anyone who can read it
    /// can unban scanners.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is unusable; the message names it and the fix.</exception>
    public static ApiToken LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The API token file relies on Unix file modes (0600); PortVeil runs on Linux.");
        }

        if (!File.Exists(path))
        {
            var dir = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            var created = Generate();
            try
            {
                using var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                stream.Write(Encoding.ASCII.GetBytes(created.Value + "\n"));
                return created;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process (the install script) created it first: use theirs.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Cannot create the API token file {path}: {e.Message}. Create it as root with `install -m 600 /dev/null {path}` and a random token, or set [api] token_file.", e);
            }
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"The API token file {path} is readable or writable by group or others (mode {Convert.ToString((int)mode, 8)}); anyone who reads it can unban scanners. Fix it with `chmod 600 {path}`.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot read the API token file {path}: {e.Message}", e);
        }

        if (text.Length < MinimumLength || text.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"The API token in {path} is too short or contains spaces (at least {MinimumLength} characters, one line). Delete the file to have a new one generated.");
        }

        return new ApiToken(text);
    }

    /// <summary>Wraps a known token (tests, and the CLI that read the file itself).</summary>
    public static ApiToken FromValue(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return new ApiToken(value);
    }

    /// <summary>True when <paramref name="presented"/> is the token; constant time whatever it is.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var buffer = max <= 256 ? stackalloc byte[256] : new byte[max];
        var n = Encoding.UTF8.GetBytes(presented, buffer);
        SHA256.HashData(buffer[..n], digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
