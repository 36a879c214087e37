using System.Diagnostics;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Cli.Install;

/// <summary>
/// Undoes scripts/install.sh in the order that keeps the host consistent: stop the service first (a running daemon
/// would re-create its table within a second), then delete PortVeil's own `table inet portveil` and nothing
/// else, then the unit, the link and the program. Configuration and state (database, API token) stay unless purged.
/// </summary>
internal sealed class Uninstaller
{
    private readonly InstallLayout _layout;
    private readonly bool _purge;
    private readonly bool _systemd;
    private readonly List<UninstallStep> _steps = [];

    /// <param name="systemd">True when systemctl should be asked to stop and disable the unit.</param>
    public Uninstaller(InstallLayout layout, bool purge, bool systemd)
    {
        _layout = layout;
        _purge = purge;
        _systemd = systemd;
    }

    /// <summary>systemd runs this host (sd_booted(3): /run/systemd/system exists only when systemd is PID 1).</summary>
    public static bool SystemdIsRunning() => Directory.Exists("/run/systemd/system");

    public IReadOnlyList<UninstallStep> Run()
    {
        StopService();
        DeleteTable();
        RemoveFile("unit", _layout.UnitWantsLink);
        RemoveFile("unit", _layout.Unit);
        if (_systemd)
        {
            Systemctl("daemon-reload");
        }

        RemoveFile("program", _layout.BinaryLink);
        RemoveDirectory("program", _layout.ProgramDirectory);
        if (_purge)
        {
            RemoveDirectory("config", _layout.ConfigDirectory);
            RemoveDirectory("state", _layout.StateDirectory);
        }
        else
        {
            Keep("config", _layout.ConfigDirectory, "configuration and API token kept (--purge removes them)");
            Keep("state", _layout.StateDirectory, "database with bans and evidence kept (--purge removes it)");
        }

        return _steps;
    }

    private void StopService()
    {
        if (!_systemd)
        {
            _steps.Add(new("service", "skipped", _layout.IsHostRoot
                ? "systemd is not running here: stop a `portveil run` you started yourself before uninstalling"
                : $"installed under {_layout.Root}, not this host's service: systemctl not used"));
            return;
        }

        var r = Systemctl("disable", "--now", InstallLayout.UnitName);
        _steps.Add(r is null
            ? new("service", "stopped", $"{InstallLayout.UnitName} stopped and disabled")
            : new("service", "failed", $"systemctl disable --now {InstallLayout.UnitName}: {r}"));
    }

    private void DeleteTable()
    {
        var table = PortVeilRulesetDefaults.Table;
        if (!NftContext.IsLibraryAvailable())
        {
            _steps.Add(new("table", "skipped", "libnftables is not installed, so no PortVeil table can exist"));
            return;
        }

        try
        {
            using var nft = new NftContext();
            var listing = nft.Run("list table inet " + table, json: false);
            if (!listing.Succeeded)
            {
                _steps.Add(new("table", "absent", $"no table inet {table} in this network namespace"));
                return;
            }

            // One batch naming our table only: the kernel deletes exactly `inet portveil`, with its sets and bans.
            var batch = new NftTableBuilder(table).DeleteTable();
            nft.Run(batch.ToUtf8()).EnsureSuccess("delete table inet " + table);
            _steps.Add(new("table", "removed", $"table inet {table} deleted with its bans; other tables untouched"));
        }
        catch (NftException e)
        {
            _steps.Add(new("table", "failed", e.Message));
        }
    }

    private void RemoveFile(string name, string path)
    {
        try
        {
            // A link is removed itself, never followed: /usr/local/bin/portveil points into the program directory.
            if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                _steps.Add(new(name, "absent", path));
                return;
            }

            File.Delete(path);
            _steps.Add(new(name, "removed", path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _steps.Add(new(name, "failed", $"{path}: {e.Message}"));
        }
    }

    private void RemoveDirectory(string name, string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                _steps.Add(new(name, "absent", path));
                return;
            }

            Directory.Delete(path, recursive: true);
            _steps.Add(new(name, "removed", path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _steps.Add(new(name, "failed", $"{path}: {e.Message}"));
        }
    }

    private void Keep(string name, string path, string why)
    {
        if (Directory.Exists(path))
        {
            _steps.Add(new(name, "kept", $"{path}: {why}"));
        }
    }

    /// <summary>Runs systemctl with an argument list; null on success, else its error text.</summary>
    private static string? Systemctl(params string[] args)
    {
        var psi = new ProcessStartInfo("systemctl") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEnd();
            // systemctl waits for the stop job; the unit's TimeoutStopSec is 30 s.
            if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                p.Kill(entireProcessTree: true);
                return "timed out after 60 s";
            }

            return p.ExitCode == 0 ? null : stderr.Result.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
