namespace PortVeil.IntegrationTests.Api;

/// <summary>
/// A fact that needs Debian's chromium (apt package `chromium`, installed by scripts/install-deps.sh; Playwright
/// cannot download a browser here). Skipped, saying why, only when the executable is absent; CI installs it.
/// PORTVEIL_CHROMIUM overrides the path.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath))
        {
            Skip = $"chromium is not installed at {ExecutablePath} (run scripts/install-deps.sh, or set PORTVEIL_CHROMIUM)";
        }
    }

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("PORTVEIL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
}
