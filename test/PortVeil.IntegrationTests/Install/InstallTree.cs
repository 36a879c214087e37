using System.Runtime.Versioning;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Install;

/// <summary>
/// scripts/install.sh run into a temporary root (DESTDIR), as a packager would: nothing is enabled or started and
/// nothing outside the root is written. The CLI's own build output stands in for `dotnet publish` (PORTVEIL_PUBLISHED),
/// so the test does not rebuild the solution; apt is skipped (PORTVEIL_SKIP_DEPS). Deleted in Dispose.
/// </summary>
internal sealed class InstallTree : IDisposable
{
    private InstallTree(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public ProcessResult LastRun { get; private set; } = new(0, "", "");

    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "install.sh");

    public static string UnitSource => Path.Combine(RepoPaths.Root, "packaging", "portveil.service");

    /// <summary>src/PortVeil.Cli/bin/CONFIG/net10.0, CONFIG being the one this test assembly was built in.</summary>
    public static string CliBuildOutput
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var configuration = tfm.Parent!.Name;
            return Path.Combine(RepoPaths.Root, "src", "PortVeil.Cli", "bin", configuration, tfm.Name);
        }
    }

    public static InstallTree Create() => new(Directory.CreateTempSubdirectory("pv-install-").FullName);

    /// <summary>Runs install.sh into <see cref="Root"/> with extra VAR=value settings (PREFIX, …).</summary>
    public ProcessResult Install(params string[] settings)
    {
        LastRun = ProcessRunner.Run("env",
            ["DESTDIR=" + Root, "PORTVEIL_SKIP_DEPS=1", "PORTVEIL_PUBLISHED=" + CliBuildOutput, .. settings, "bash", Script],
            TestTimeouts.Scan);
        return LastRun;
    }

    public string PathOf(string absolute) => Path.Join(Root, absolute.TrimStart('/'));

    [SupportedOSPlatform("linux")]
    public UnixFileMode ModeOf(string absolute) => File.GetUnixFileMode(PathOf(absolute));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory.
        }
    }
}
