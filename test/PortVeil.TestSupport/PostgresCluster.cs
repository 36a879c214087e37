using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's postgresql package: initdb into a fresh directory under /tmp (as
/// the postgres user when run as root), listening on a unix socket in that directory and on a free loopback TCP
/// port, trust authentication, fsync off. Dispose (and process exit, if a test run is cut short) stops it and
/// deletes the directory.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private int _databases;
    private int _disposed;

    private PostgresCluster(string bin, string directory, int port)
    {
        _bin = bin;
        Directory = directory;
        Port = port;
        _asPostgresUser = Environment.UserName == "root";
    }

    /// <summary>The temp directory: data/ (the cluster), the unix socket, and server.log.</summary>
    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public const string Host = "127.0.0.1";

    public int Port { get; }

    public string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>True when initdb and pg_ctl are installed (scripts/install-deps.sh installs them).</summary>
    public static bool IsAvailable => FindBin() is not null;

    /// <summary>Creates and starts a cluster; throws with initdb's or the server log's text when it cannot.</summary>
    public static PostgresCluster Start()
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (initdb not found under /usr/lib/postgresql/*/bin): run scripts/install-deps.sh");
        var dir = Path.Combine(Path.GetTempPath(), "pv-pg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var cluster = new PostgresCluster(bin, dir, FreeLoopbackPort());
        try
        {
            if (cluster._asPostgresUser)
            {
                // initdb refuses root; the postgres user owns the directory for the cluster's lifetime.
                ProcessRunner.Run("chown", ["postgres:postgres", dir], TestTimeouts.Command).EnsureSuccess("chown of the cluster directory");
            }

            cluster.RunTool("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"], StartTimeout).EnsureSuccess("initdb");
            AppDomain.CurrentDomain.ProcessExit += cluster.OnProcessExit;
            cluster.StartServer();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server again after <see cref="StopServer"/> (same port, same data).</summary>
    public void StartServer()
    {
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-k {Directory} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        var result = RunTool("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"], StartTimeout);
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
            throw new InvalidOperationException($"pg_ctl start failed ({result.ExitCode}): {result.StdErr}{result.StdOut}\n{log}");
        }
    }

    /// <summary>
    /// Stops the server; clients see their connections drop. "fast" by default: with synchronous_commit off, an
    /// immediate stop would lose the last commits (they sit in WAL buffers), which only a throwaway may do.
    /// </summary>
    public void StopServer(bool immediate = false) =>
        RunTool("pg_ctl", ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"], StartTimeout);

    /// <summary>A new empty database with a unique name; returns its name.</summary>
    public string CreateDatabase(string prefix = "pv")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
        Sql("postgres", $"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>A connection string to <paramref name="database"/> over loopback TCP, as <paramref name="user"/>.</summary>
    public string ConnectionString(string database, string user = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"Host={Host};Port={Port};Database={database};Username={user}");

    /// <summary>Runs SQL written by the test itself through psql (never untrusted text); returns psql's unaligned output.</summary>
    public string Sql(string database, string sql) =>
        RunTool("psql", ["-h", Directory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], TestTimeouts.Command)
            .EnsureSuccess("psql " + sql).StdOut.Trim();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            if (System.IO.Directory.Exists(DataDirectory))
            {
                StopServer(immediate: true);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private ProcessResult RunTool(string tool, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var path = Path.Combine(_bin, tool);
        if (!File.Exists(path))
        {
            path = tool; // psql may live only on PATH (postgresql-client-common's wrapper)
        }

        return _asPostgresUser
            ? ProcessRunner.Run("runuser", ["-u", "postgres", "--", path, .. arguments], timeout)
            : ProcessRunner.Run(path, arguments, timeout);
    }

    private static string? FindBin()
    {
        const string Root = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(Root))
        {
            return null;
        }

        // The newest installed major version.
        return System.IO.Directory.GetDirectories(Root)
            .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Dir, "bin"))
            .FirstOrDefault();
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
