namespace PortVeil.Daemon.Dashboard;

/// <summary>
/// The dashboard: one self-contained HTML page (inline script and style, charts drawn as inline SVG, no CDN,
/// nothing to build) embedded in the daemon assembly. It gets its token from the link the operator opens once
/// (http://127.0.0.1:9870/#token=...), keeps it in sessionStorage and sends it as a bearer header.
/// </summary>
internal static class DashboardPage
{
    private static readonly Lazy<byte[]> Page = new(Load);

    public static ReadOnlyMemory<byte> Html => Page.Value;

    private static byte[] Load()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("PortVeil.Daemon.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the PortVeil.Daemon assembly (EmbeddedResource Dashboard/dashboard.html).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
