using Microsoft.Playwright;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Api;

/// <summary>
/// The dashboard in a real browser (Playwright driving Debian's chromium) against a real daemon protecting a lab
/// server: a real nmap scan's ban appears live (server-sent events, no reload), with its explanation and charts,
/// and the Unban button takes it out of the kernel. Screenshots go to the test output's artifacts/ directory
/// (test/PortVeil.IntegrationTests/bin/CONFIGURATION/net10.0/artifacts/: Debug locally, Release in CI), or to PORTVEIL_TEST_ARTIFACTS.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DashboardBrowserTests
{
    private static readonly float LiveWaitMs = (float)TestTimeouts.Event.TotalMilliseconds * 2;

    [ChromiumFact]
    public async Task A_scan_ban_appears_live_on_the_dashboard_with_its_explanation_and_the_unban_button_lifts_it()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22, 443);
        var daemon = await lab.StartAsync(lab.Stages(api: ApiLab.Options(lab)));
        var scanner = lab.Lab.Scanners[0];
        var baseAddress = daemon.Api!.BaseAddress;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                consoleErrors.Add(m.Text);
            }
        };
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        // The operator opens the link once; the page keeps the token for the tab and removes it from the address bar.
        await page.GotoAsync(new Uri(baseAddress, "#token=" + ApiLab.Token(lab)).ToString());
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("live", new() { Timeout = LiveWaitMs });
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        Assert.Equal(ApiLab.Token(lab), await page.EvaluateAsync<string>("sessionStorage.getItem('portveil.token')"));
        await Assertions.Expect(page.Locator("#bans-empty")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "dashboard-1-before-scan.png");

        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-1000");

        // Live: the page was not reloaded; the row arrives over the event stream.
        var row = page.Locator($"#bans tbody tr[data-target=\"{scanner.IPv4}\"]");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = LiveWaitMs });
        await Assertions.Expect(row.Locator("td.expl")).ToContainTextAsync($"{scanner.IPv4} is banned by the");
        await Assertions.Expect(row.Locator("td.expl")).ToContainTextAsync("Fingerprint: ");
        // The exposure column and the account's exposure sentence tell the same story (which ports depends on the scan's order).
        var exposure = (await row.Locator("td").Nth(4).TextContentAsync())!.Trim();
        await Assertions.Expect(row.Locator("td.expl")).ToContainTextAsync(exposure == "none" ? "it reached no open port" : $"({exposure})");
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("ban " + scanner.IPv4);
        await Assertions.Expect(page.Locator("#timeline-svg rect[fill=\"#ff9f43\"]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ports svg rect").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#exposure svg text").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "dashboard-2-ban-live.png");

        await page.Locator($"button[data-unban=\"{scanner.IPv4}\"]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = LiveWaitMs });
        await ApiEndToEndTests.WaitForKernelAsync(lab, present: false, scanner.IPv4);
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("unban " + scanner.IPv4);
        await ScreenshotAsync(page, "dashboard-3-after-unban.png");
        Assert.Empty(consoleErrors);
    }

    [ChromiumFact]
    public async Task The_dashboard_without_a_token_asks_for_one_and_a_wrong_token_is_refused()
    {
        await using var lab = new DaemonLab(scanners: 0, clients: 0, 22);
        var daemon = await lab.StartAsync(lab.Stages(api: ApiLab.Options(lab)));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(daemon.Api!.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#token-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#app")).ToBeHiddenAsync();

        await page.Locator("#token-input").FillAsync("wrong-token-wrong-token-wrong-token");
        await page.Locator("#token-form button").ClickAsync();
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("401");
        await ScreenshotAsync(page, "dashboard-0-token-refused.png");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Environment.GetEnvironmentVariable("PORTVEIL_TEST_ARTIFACTS") is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"{path} should be a real screenshot");
    }
}
